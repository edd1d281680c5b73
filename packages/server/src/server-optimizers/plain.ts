import { z } from 'zod';
import { serverOptimizerKind } from './server-optimizer-kind.js';

/** `plain`: x ← x + lr·Δ; lr = 1 (the default) is FedAvg (McMahan et al. 2017). */
export const plainServerOptimizer = serverOptimizerKind({
  kind: 'plain',
  schema: z.strictObject({ kind: z.literal('plain'), lr: z.number().positive().default(1) }),
  step:
    ({ lr }) =>
    (params, delta, _moments, kernels) => {
      // lr = 1: the loop's x + Δ (a double sum of two floats, rounded once to float32) is the correctly rounded
      // float32 sum, which is what every kernel's axpy gives for α = 1 (α·Δ exact): the same bits, 5-10× faster.
      if (lr === 1 && kernels) return kernels.axpy(1, delta, params);
      for (let i = 0; i < params.length; i++) params[i] += lr * delta[i];
    },
});
