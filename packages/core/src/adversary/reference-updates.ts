import { partition } from '../data/partition/partition.js';
import type { Kernels } from '../kernels/kernels.js';
import type { LossKind } from '../models/losses.js';
import type { Model } from '../models/model.js';
import { freshOptimizerMemory, Optimizer } from '../optim/optimizer.js';
import type { OptimizerSpec } from '../optim/optimizer-kinds.js';
import { Rng } from '../rng/rng.js';
import type { TrainingData } from '../train/batch.js';
import { ClientExecutor } from '../train/client-executor.js';
import type { LocalPlan, NodePrivacy } from '../train/local-training.js';
import type { NodeAdversary } from './node-adversary.js';
import { drawParticipants } from './participants.js';
import { RunningMoments } from './running-moments.js';

/** What a Byzantine node needs to recompute other nodes' honest updates: the run's node setup. */
export interface ReferenceSetup {
  readonly seed: number;
  readonly model: Model;
  readonly loss: LossKind;
  readonly optimizer: OptimizerSpec;
  readonly kernels: Kernels;
  /** The honest training data (labels not flipped). */
  readonly data: TrainingData;
  readonly privacy?: NodePrivacy;
  readonly adversary: NodeAdversary;
}

/** Per-coordinate statistics of a round's reference updates (see {@link ReferenceUpdates}). */
export interface ReferenceStats {
  readonly mean: Float32Array;
  readonly std: Float32Array;
  /** How many updates they summarize (0: mean and std are zeros). */
  readonly count: number;
}

/**
 * How a colluding Byzantine node learns the round's updates without any message (docs/robustness.md,
 * "Attacks"): every host holds the training data, the seed and the run's partition spec, and the
 * global model of the round, so it recomputes (1) the partition (`Rng.fromSeed(seed)`), (2) the server's
 * draw of participants (`drawParticipants`, stream `fork('server').fork('participants', round)`) and
 * (3) each reference node's update with the same `ClientExecutor` from that node's own stream
 * `Rng.fromSeed(seed).fork('node', id)` (DP noise included), starting from a fresh optimizer memory.
 * The reference set is the honest participants (`omniscient`) or the Byzantine ones (`local`), added in
 * node-id order, so every runtime gets the same bits. Exact when the local optimizer carries no state
 * across rounds that changes an update (plain SGD, constant rate); an estimate otherwise. Cached per
 * round and global model: Byzantine nodes sharing an executor compute it once a round.
 */
export class ReferenceUpdates {
  private readonly executor: ClientExecutor;
  private readonly optimizer: Optimizer;
  private readonly moments: RunningMoments;
  private readonly scratch: Float32Array;
  private readonly byzantine: ReadonlySet<number>;
  private parts: Int32Array[] | null = null;
  private cached: { round: number; global: Float32Array; stats: ReferenceStats } | null = null;

  constructor(private readonly s: ReferenceSetup) {
    const size = s.model.layout.size;
    this.executor = new ClientExecutor(s.model, s.loss, s.kernels, s.data, s.privacy);
    this.optimizer = new Optimizer(s.optimizer, size, s.kernels);
    this.moments = new RunningMoments(size);
    this.scratch = new Float32Array(size);
    this.byzantine = new Set(s.adversary.byzantine);
  }

  /** The node ids whose updates make the reference of `round` (ascending). */
  members(round: number): number[] {
    const ref = this.s.adversary.reference;
    if (!ref) return [];
    const pool = Array.from({ length: ref.clients }, (_, i) => i);
    const rng = Rng.fromSeed(this.s.seed).fork('server').fork('participants', round);
    const drawn = drawParticipants(pool, ref.participation, rng);
    const omniscient = this.s.adversary.knowledge === 'omniscient';
    return drawn.filter((id) => this.byzantine.has(id) !== omniscient);
  }

  /** The statistics of `round`'s reference updates, all trained from `global` with `plan`. */
  stats(round: number, global: Float32Array, plan: LocalPlan): ReferenceStats {
    const c = this.cached;
    if (c !== null && c.round === round && sameBits(c.global, global)) return c.stats;
    const parts = this.partition();
    this.moments.reset();
    for (const id of this.members(round)) {
      this.optimizer.bind(freshOptimizerMemory());
      const job = {
        id,
        indices: parts[id],
        rng: Rng.fromSeed(this.s.seed).fork('node', id),
        optimizer: this.optimizer,
      };
      this.executor.train(job, global, round, plan, this.scratch);
      this.moments.add(this.scratch);
    }
    const size = global.length;
    const stats = { mean: new Float32Array(size), std: new Float32Array(size), count: this.moments.count };
    this.moments.mean(stats.mean);
    this.moments.std(stats.std);
    this.cached = { round, global: global.slice(), stats };
    return stats;
  }

  private partition(): Int32Array[] {
    const ref = this.s.adversary.reference;
    if (!ref) throw new RangeError('this adversary has no reference (gossip runs recompute nothing)');
    this.parts ??= partition(ref.partition, this.s.data.y, ref.clients, Rng.fromSeed(this.s.seed));
    return this.parts;
  }
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
