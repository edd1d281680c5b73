import { adaptiveSchema, adaptiveStep } from './adaptive.js';
import { serverOptimizerKind } from './server-optimizer-kind.js';

/** `fedadagrad` (Reddi et al. 2021): v ← v + Δ². */
export const fedAdagradServerOptimizer = serverOptimizerKind({
  kind: 'fedadagrad',
  schema: adaptiveSchema('fedadagrad'),
  step: (o) => adaptiveStep(o, (v, d2) => v + d2),
});
