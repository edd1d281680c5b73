import { z } from 'zod';
import type { Rng } from '../rng/rng.js';
import { dataKind, nTestOption, testSize } from './data-kind.js';
import { type DataSplit, makeDataset } from './dataset.js';

/** Options of {@link syntheticLinear}. */
export interface SyntheticLinearOptions {
  /** training examples */
  n: number;
  /** test examples */
  nTest: number;
  /** features */
  d: number;
  /** standard deviation (not variance) of the additive Gaussian noise, ≥ 0 */
  noise: number;
}

/**
 * A linear regression task: `y = w·x + b + noise·ε` with `x ~ N(0, I_d)`, `ε ~ N(0, 1)`, and a
 * ground truth drawn once per seed, `w_i ~ N(0, 1)`, `b ~ N(0, 1)`. The least-squares fit recovers
 * `(w, b)` with error of order `noise / √n`, and the Bayes risk (MSE) is `noise²`.
 *
 * Streams: `weights` for (w, b), `train` and `test` for the examples, drawn row by row, so `w` and
 * the first rows do not depend on `n`.
 */
export function syntheticLinear(rng: Rng, o: SyntheticLinearOptions): DataSplit & { w: Float32Array; b: number } {
  const truth = rng.fork('weights');
  const w = new Float32Array(o.d);
  truth.fillNormal(w);
  const b = truth.normal();
  const make = (stream: Rng, n: number, name: string) => {
    const x = new Float32Array(n * o.d);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const row = x.subarray(i * o.d, (i + 1) * o.d);
      stream.fillNormal(row);
      let dot = b;
      for (let j = 0; j < o.d; j++) dot += w[j] * row[j];
      y[i] = dot + o.noise * stream.normal();
    }
    return makeDataset({ name, x, y, d: o.d, classes: 0 });
  };
  return {
    train: make(rng.fork('train'), o.n, 'synthetic-linear'),
    test: make(rng.fork('test'), o.nTest, 'synthetic-linear'),
    w,
    b,
  };
}

/** `synthetic-linear`: y = w·x + b + noise·ε (noise default 0.1). */
export const syntheticLinearData = dataKind({
  kind: 'synthetic-linear',
  schema: z.strictObject({
    kind: z.literal('synthetic-linear'),
    n: z.number().int().positive(),
    d: z.number().int().positive(),
    noise: z.number().nonnegative().default(0.1),
    nTest: nTestOption,
  }),
  load: (o, { rng }) => {
    const { train, test, w, b } = syntheticLinear(rng, { ...o, nTest: testSize(o.n, o.nTest) });
    return { train, test, truth: { kind: 'synthetic-linear', w, b } };
  },
});
