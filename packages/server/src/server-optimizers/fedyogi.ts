import { adaptiveSchema, adaptiveStep } from './adaptive.js';
import { serverOptimizerKind } from './server-optimizer-kind.js';

/** `fedyogi` (Reddi et al. 2021, after Zaheer et al. 2018): v ← v − (1 − β2)·Δ²·sign(v − Δ²). */
export const fedYogiServerOptimizer = serverOptimizerKind({
  kind: 'fedyogi',
  schema: adaptiveSchema('fedyogi'),
  step: (o) => adaptiveStep(o, (v, d2) => v - (1 - o.beta2) * d2 * Math.sign(v - d2)),
});
