import { z } from 'zod';
import type { Rng } from '../rng/rng.js';
import { dataKind, nTestOption, testSize } from './data-kind.js';
import { type DataSplit, makeDataset } from './dataset.js';

/** Options of {@link syntheticBlobs}. */
export interface SyntheticBlobsOptions {
  /** training examples */
  n: number;
  /** test examples */
  nTest: number;
  /** features */
  d: number;
  /** number of classes (blobs), ≥ 2 */
  classes: number;
  /** standard deviation (not variance) of each blob around its center */
  std: number;
  /** standard deviation of the centers around the origin */
  spread: number;
}

/**
 * Isotropic Gaussian blobs: `classes` centers `c_k ~ N(0, spread² I_d)` drawn once per seed, and
 * examples `x = c_y + std·ε`, `ε ~ N(0, I_d)`. Classes are balanced: label `i mod classes` for
 * example `i`, then the examples are put in a seeded random order.
 *
 * Streams: `centers`, `train`, `test`.
 */
export function syntheticBlobs(rng: Rng, o: SyntheticBlobsOptions): DataSplit & { centers: Float32Array } {
  const centers = new Float32Array(o.classes * o.d);
  rng.fork('centers').fillNormal(centers, 0, o.spread);
  const make = (stream: Rng, n: number) => {
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) y[i] = i % o.classes;
    stream.shuffle(y);
    const x = new Float32Array(n * o.d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < o.d; j++) x[i * o.d + j] = centers[y[i] * o.d + j] + o.std * stream.normal();
    }
    return makeDataset({ name: 'synthetic-blobs', x, y, d: o.d, classes: o.classes });
  };
  return { train: make(rng.fork('train'), o.n), test: make(rng.fork('test'), o.nTest), centers };
}

/** `synthetic-blobs`: `classes` (default 3) Gaussian blobs of std `std` (1) around centers of std `spread` (2). */
export const syntheticBlobsData = dataKind({
  kind: 'synthetic-blobs',
  schema: z.strictObject({
    kind: z.literal('synthetic-blobs'),
    n: z.number().int().positive(),
    d: z.number().int().positive(),
    classes: z.number().int().min(2).default(3),
    std: z.number().positive().default(1),
    spread: z.number().positive().default(2),
    nTest: nTestOption,
  }),
  load: (o, { rng }) => {
    const { train, test, centers } = syntheticBlobs(rng, { ...o, nTest: testSize(o.n, o.nTest) });
    return { train, test, truth: { kind: 'synthetic-blobs', centers } };
  },
});
