import { z } from 'zod';
import type { Rng } from '../rng/rng.js';
import { dataKind, nTestOption, testSize } from './data-kind.js';
import { type DataSplit, makeDataset } from './dataset.js';

/** Options of {@link syntheticLogistic}. */
export interface SyntheticLogisticOptions {
  /** training examples */
  n: number;
  /** test examples */
  nTest: number;
  /** features */
  d: number;
  /** standard deviation of the logit `w·x` (the signal strength); larger means cleaner labels */
  scale: number;
}

/**
 * A binary classification task from a logistic model: `x ~ N(0, I_d)`, and label 1 with probability
 * `σ(w·x + b)`, where `σ(t) = 1 / (1 + e^−t)`, `w_i ~ N(0, scale² / d)` (so `w·x` has standard
 * deviation about `scale`) and `b ~ N(0, 1)`, drawn once per seed. Labels are 0/1 (`classes` = 2).
 * The Bayes classifier `[w·x + b > 0]` has accuracy `E[max(σ, 1 − σ)]`.
 *
 * Streams: `weights` for (w, b), `train` and `test` for the examples, drawn row by row.
 */
export function syntheticLogistic(rng: Rng, o: SyntheticLogisticOptions): DataSplit & { w: Float32Array; b: number } {
  const truth = rng.fork('weights');
  const w = new Float32Array(o.d);
  truth.fillNormal(w, 0, o.scale / Math.sqrt(o.d));
  const b = truth.normal();
  const make = (stream: Rng, n: number) => {
    const x = new Float32Array(n * o.d);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const row = x.subarray(i * o.d, (i + 1) * o.d);
      stream.fillNormal(row);
      let logit = b;
      for (let j = 0; j < o.d; j++) logit += w[j] * row[j];
      y[i] = stream.uniform() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
    }
    return makeDataset({ name: 'synthetic-logistic', x, y, d: o.d, classes: 2 });
  };
  return { train: make(rng.fork('train'), o.n), test: make(rng.fork('test'), o.nTest), w, b };
}

/** `synthetic-logistic`: labels from σ(w·x + b), logit std `scale` (default 4). */
export const syntheticLogisticData = dataKind({
  kind: 'synthetic-logistic',
  schema: z.strictObject({
    kind: z.literal('synthetic-logistic'),
    n: z.number().int().positive(),
    d: z.number().int().positive(),
    scale: z.number().positive().default(4),
    nTest: nTestOption,
  }),
  load: (o, { rng }) => {
    const { train, test, w, b } = syntheticLogistic(rng, { ...o, nTest: testSize(o.n, o.nTest) });
    return { train, test, truth: { kind: 'synthetic-logistic', w, b } };
  },
});
