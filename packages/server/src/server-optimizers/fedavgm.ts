import { z } from 'zod';
import { serverOptimizerKind } from './server-optimizer-kind.js';

/** `fedavgm`: server momentum (Hsu et al. 2019): v ← μv + Δ; x ← x + lr·v. Defaults lr 1, μ 0.9. */
export const fedAvgMServerOptimizer = serverOptimizerKind({
  kind: 'fedavgm',
  schema: z.strictObject({
    kind: z.literal('fedavgm'),
    lr: z.number().positive().default(1),
    momentum: z.number().gte(0).lt(1).default(0.9),
  }),
  step:
    ({ lr, momentum }) =>
    (params, delta, moments) => {
      moments.m ??= new Float32Array(params.length);
      const m = moments.m;
      for (let i = 0; i < params.length; i++) {
        m[i] = momentum * m[i] + delta[i];
        params[i] += lr * m[i];
      }
    },
});
