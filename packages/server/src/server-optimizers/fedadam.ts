import { adaptiveSchema, adaptiveStep } from './adaptive.js';
import { serverOptimizerKind } from './server-optimizer-kind.js';

/** `fedadam` (Reddi et al. 2021): v ← β2·v + (1 − β2)Δ². */
export const fedAdamServerOptimizer = serverOptimizerKind({
  kind: 'fedadam',
  schema: adaptiveSchema('fedadam'),
  step: (o) => adaptiveStep(o, (v, d2) => o.beta2 * v + (1 - o.beta2) * d2),
});
