import { z } from 'zod';
import { serverOptimizerKind } from './server-optimizer-kind.js';

/** `plain`: x ← x + lr·Δ; lr = 1 (the default) is FedAvg (McMahan et al. 2017). */
export const plainServerOptimizer = serverOptimizerKind({
  kind: 'plain',
  schema: z.strictObject({ kind: z.literal('plain'), lr: z.number().positive().default(1) }),
  step:
    ({ lr }) =>
    (params, delta) => {
      for (let i = 0; i < params.length; i++) params[i] += lr * delta[i];
    },
});
