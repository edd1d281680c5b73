import { z } from 'zod';
import { errors } from '../errors.js';
import type { Rng } from '../rng/rng.js';
import { dataKind } from './data-kind.js';
import { type DataSplit, makeDataset } from './dataset.js';

/** Options of {@link quadraticConsensus}. */
export interface QuadraticConsensusOptions {
  /** number of nodes, one target each */
  nodes: number;
  /** dimension of w */
  d: number;
  /** standard deviation of the targets around the origin */
  spread: number;
}

/**
 * The quadratic consensus task of decentralized optimization: node `j` holds a target `x_j ∈ R^d`,
 * `x_j ~ N(0, spread² I_d)`, and its local objective is `f_j(w) = ½‖w − x_j‖²` (gradient `w − x_j`).
 * The global objective `f(w) = (1/m) Σ_j f_j(w)` has its unique minimizer at the mean of the
 * targets, returned as `optimum`; gradient descent and gossip averaging both converge to it.
 *
 * As a dataset, row `j` of `train.x` is `x_j` and `y` is all zeros (`classes` = 0); `test` is the same
 * set (there is no held-out data: measure `‖w − optimum‖` instead). Partition it one row per node.
 */
export function quadraticConsensus(
  rng: Rng,
  o: QuadraticConsensusOptions,
): DataSplit & { targets: Float32Array; optimum: Float32Array } {
  const targets = new Float32Array(o.nodes * o.d);
  rng.fork('targets').fillNormal(targets, 0, o.spread);
  const optimum = new Float32Array(o.d);
  for (let j = 0; j < o.d; j++) {
    let sum = 0;
    for (let k = 0; k < o.nodes; k++) sum += targets[k * o.d + j];
    optimum[j] = sum / o.nodes;
  }
  const set = makeDataset({
    name: 'quadratic-consensus',
    x: targets,
    y: new Float32Array(o.nodes),
    d: o.d,
    classes: 0,
  });
  return { train: set, test: set, targets, optimum };
}

/** `f(w) = (1/m) Σ_j ½‖w − x_j‖²` over the `m` targets (rows of `targets`, each of length `w.length`). */
export function consensusObjective(targets: Float32Array, w: Float32Array): number {
  const d = w.length;
  if (targets.length % d !== 0)
    throw errors.shape('consensusObjective: targets.length (m·d)', `a multiple of ${d}`, targets.length);
  const m = targets.length / d;
  let total = 0;
  for (let k = 0; k < m; k++) {
    for (let j = 0; j < d; j++) {
      const diff = w[j] - targets[k * d + j];
      total += 0.5 * diff * diff;
    }
  }
  return total / m;
}

/** `quadratic-consensus`: one target per node, f_j(w) = ½‖w − x_j‖², targets of std `spread` (default 1). */
export const quadraticConsensusData = dataKind({
  kind: 'quadratic-consensus',
  schema: z.strictObject({
    kind: z.literal('quadratic-consensus'),
    nodes: z.number().int().positive(),
    d: z.number().int().positive(),
    spread: z.number().nonnegative().default(1),
  }),
  load: (o, { rng }) => {
    const { train, test, targets, optimum } = quadraticConsensus(rng, o);
    return { train, test, truth: { kind: 'quadratic-consensus', targets, optimum } };
  },
});
