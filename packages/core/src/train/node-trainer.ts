import { errors } from '../errors.js';
import type { Kernels } from '../kernels/kernels.js';
import type { LossKind } from '../models/losses.js';
import type { Model } from '../models/model.js';
import type { Rng } from '../rng/rng.js';
import type { TrainingData } from './batch.js';
import { ClientExecutor, type ClientJob } from './client-executor.js';
import type { LocalPlan, LocalResult, NodePrivacy, StepOptimizer } from './local-training.js';

/**
 * One virtual node with an executor of its own: its local example indices, its optimizer (whose state
 * survives across rounds) and its random stream. `train` starts from the global model and writes the
 * update Δ = x_local − x_global; see {@link ClientExecutor} for the algorithm. Runtimes with many clients
 * share one executor instead (a NodeTrainer holds two model-sized buffers); results are the same bits.
 */
export class NodeTrainer {
  private readonly executor: ClientExecutor;
  private readonly job: ClientJob;

  constructor(
    readonly id: number,
    model: Model,
    loss: LossKind,
    kernels: Kernels,
    data: TrainingData,
    indices: Int32Array,
    optimizer: StepOptimizer,
    rng: Rng,
    privacy: NodePrivacy = {},
  ) {
    if (indices.length === 0) throw errors.runtime(`node ${id} has no training examples`);
    this.executor = new ClientExecutor(model, loss, kernels, data, privacy);
    this.job = { id, indices, rng, optimizer };
  }

  /** Number of local training examples. */
  get samples(): number {
    return this.job.indices.length;
  }

  /** Trains from `global` for one round and writes x_local − x_global into `delta`. */
  train(global: Float32Array, round: number, plan: LocalPlan, delta: Float32Array): LocalResult {
    return this.executor.train(this.job, global, round, plan, delta);
  }
}
