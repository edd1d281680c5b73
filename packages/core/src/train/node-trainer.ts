import { errors } from '../errors.js';
import type { Kernels } from '../kernels/kernels.js';
import type { DenseNet } from '../models/dense-net.js';
import type { LossKind } from '../models/losses.js';
import { privatizeUpdate, type UpdatePrivacy } from '../privacy/client-dp.js';
import { type DpSgdOptions, DpSgdTrainer } from '../privacy/dp-sgd.js';
import type { Rng } from '../rng/rng.js';
import { type Batch, gather, makeBatch, type TrainingData } from './batch.js';

/** Anything that turns a gradient into a parameter update and keeps its own state. */
export interface StepOptimizer {
  step(params: Float32Array, grad: Float32Array): void;
}

/** What one node does with the global model in one round. */
export interface LocalPlan {
  /** Passes over the node's local examples (E in McMahan et al. 2017). */
  readonly epochs: number;
  /** Minibatch size B; null means the whole local data set in one batch (FedSGD). */
  readonly batchSize: number | null;
  /** Optional cap on optimizer steps per round (e.g. 1 for FedSGD). */
  readonly maxSteps?: number;
}

/** What a node reports after local training. */
export interface LocalResult {
  /** Mean training loss over the examples it stepped on this round. */
  readonly trainLoss: number;
  /** Its number of local examples n_k (the FedAvg weight). */
  readonly samples: number;
  readonly steps: number;
}

/**
 * The privacy a node applies itself: sample-level DP-SGD inside local training, and/or clipping (and,
 * for local DP, noising) of the round's update before it leaves the node. Empty: plain training.
 */
export interface NodePrivacy {
  readonly dpSgd?: DpSgdOptions;
  readonly update?: UpdatePrivacy;
}

/**
 * One virtual node: its local example indices, its optimizer (whose state survives across rounds) and
 * its random stream. `train` starts from the global model and writes the update Δ = x_local − x_global.
 * Data order in round t comes from `rng.fork('order', t)`, so a node's result depends only on
 * (seed, node, round) and the global model, never on scheduling.
 */
export class NodeTrainer {
  private readonly local: Float32Array;
  private readonly grad: Float32Array;
  private batch: Batch | null = null;
  private readonly dpSgd: DpSgdTrainer | null;

  constructor(
    readonly id: number,
    private readonly model: DenseNet,
    private readonly loss: LossKind,
    private readonly kernels: Kernels,
    private readonly data: TrainingData,
    private readonly indices: Int32Array,
    private readonly optimizer: StepOptimizer,
    private readonly rng: Rng,
    private readonly privacy: NodePrivacy = {},
  ) {
    this.local = new Float32Array(model.layout.size);
    this.grad = new Float32Array(model.layout.size);
    if (indices.length === 0) throw errors.runtime(`node ${id} has no training examples`);
    this.dpSgd = privacy.dpSgd ? new DpSgdTrainer(model, loss, kernels, data, indices, optimizer, privacy.dpSgd) : null;
  }

  /** Number of local training examples. */
  get samples(): number {
    return this.indices.length;
  }

  /**
   * Trains from `global` for one round and writes x_local − x_global into `delta`: DP-SGD when
   * `privacy.dpSgd` is set, then the update's clipping/noise when `privacy.update` is set
   * (`rng.fork('dp-local', round)`).
   */
  train(global: Float32Array, round: number, plan: LocalPlan, delta: Float32Array): LocalResult {
    this.local.set(global);
    const n = this.indices.length;
    let result: LocalResult;
    if (this.dpSgd) {
      const r = this.dpSgd.round(this.local, this.grad, round, plan, this.rng);
      result = { trainLoss: r.seen > 0 ? r.lossSum / r.seen : 0, samples: n, steps: r.steps };
    } else {
      result = this.plainRound(round, plan);
    }
    for (let i = 0; i < delta.length; i++) delta[i] = this.local[i] - global[i];
    if (this.privacy.update) privatizeUpdate(delta, this.privacy.update, this.rng.fork('dp-local', round));
    return result;
  }

  /** Shuffled minibatch epochs (McMahan et al. 2017's ClientUpdate) on `this.local`. */
  private plainRound(round: number, plan: LocalPlan): LocalResult {
    const n = this.indices.length;
    const b = Math.min(plan.batchSize ?? n, n);
    if (this.batch === null || this.batch.capacity < b) this.batch = makeBatch(this.data, b);
    const order = Int32Array.from(this.indices);
    const rng = this.rng.fork('order', round);
    let steps = 0;
    let lossSum = 0;
    let seen = 0;
    const maxSteps = plan.maxSteps ?? Number.POSITIVE_INFINITY;
    outer: for (let epoch = 0; epoch < plan.epochs; epoch++) {
      rng.shuffle(order);
      for (let start = 0; start < n; start += b) {
        if (steps >= maxSteps) break outer;
        const count = Math.min(b, n - start);
        const { x, y } = gather(this.data, order, start, count, this.batch);
        lossSum += this.model.lossAndGrad(this.kernels, this.loss, this.local, x, y, count, this.grad);
        this.optimizer.step(this.local, this.grad);
        seen += count;
        steps++;
      }
    }
    return { trainLoss: seen > 0 ? lossSum / seen : 0, samples: n, steps };
  }
}
