import { errors } from '../errors.js';
import type { Kernels } from '../kernels/kernels.js';
import type { LossKind } from '../models/losses.js';
import type { Model } from '../models/model.js';
import { privatizeUpdate } from '../privacy/client-dp.js';
import { DpSgdTrainer } from '../privacy/dp-sgd.js';
import type { Rng } from '../rng/rng.js';
import { type Batch, gather, makeBatch, type TrainingData } from './batch.js';
import type {
  DeltaSink,
  DeltaSinkSource,
  LocalPlan,
  LocalResult,
  NodePrivacy,
  StepOptimizer,
} from './local-training.js';

/**
 * One virtual client as an executor trains it: plain data, no buffers. `optimizer` is bound to the
 * client's own persistent state (step count, moments) by the caller; `rng` is the client's stream
 * (`Rng.fromSeed(seed).fork('node', id)` in every runtime).
 */
export interface ClientJob {
  readonly id: number;
  /** The client's example indices into the executor's training data (n_k = length, ≥ 1). */
  readonly indices: Int32Array;
  readonly rng: Rng;
  readonly optimizer: StepOptimizer;
  /**
   * SCAFFOLD's drift correction c − c_i (Karimireddy et al. 2020), model length: added to the gradient
   * of every local step. Absent: none.
   */
  readonly correction?: Float32Array;
}

/**
 * Trains virtual clients one after another with one set of working buffers (local model, gradient,
 * minibatch, shuffled order, DP-SGD lot), allocated once and reused for every client: the main thread
 * of an inline run holds one, each pool thread of a worker host holds one. A client's result depends
 * only on (seed, client, round), the global model and the client's optimizer state, never on which
 * executor ran it or what it ran before. Training is McMahan et al. 2017's ClientUpdate (shuffled
 * minibatch epochs) or, with `privacy.dpSgd`, Abadi et al. 2016's DP-SGD; the update is
 * Δ = x_local − x_global (`kernels.sub`), then `privacy.update` clips/noises it
 * (`rng.fork('dp-local', round)`).
 */
export class ClientExecutor {
  private readonly local: Float32Array;
  private readonly grad: Float32Array;
  private batch: Batch | null = null;
  private order = new Int32Array(0);
  private readonly dpSgd: DpSgdTrainer | null;
  /** FedProx's x_local − x_global, allocated on the first proximal round. */
  private proximal: Float32Array | null = null;

  constructor(
    private readonly model: Model,
    private readonly loss: LossKind,
    private readonly kernels: Kernels,
    private readonly data: TrainingData,
    private readonly privacy: NodePrivacy = {},
  ) {
    this.local = new Float32Array(model.layout.size);
    this.grad = new Float32Array(model.layout.size);
    this.dpSgd = privacy.dpSgd ? new DpSgdTrainer(model, loss, kernels, data, privacy.dpSgd) : null;
  }

  /**
   * Trains `job`'s client from `global` for one round and writes its update into `delta` (both of the
   * model's length, disjoint). `finite` in the result is true when the update as written was scanned
   * and every entry is finite (the fused last step did it; see {@link plainRound}).
   */
  train(
    job: ClientJob,
    global: Float32Array,
    round: number,
    plan: LocalPlan,
    delta: Float32Array,
    sink?: DeltaSinkSource,
  ): LocalResult {
    const n = job.indices.length;
    if (n === 0) throw errors.runtime(`node ${job.id} has no training examples`);
    let result: LocalResult;
    if (this.dpSgd) {
      if (plan.proximalMu !== undefined || job.correction !== undefined) {
        throw errors.runtime('DP-SGD local training has no proximal term or drift correction');
      }
      this.local.set(global);
      const r = this.dpSgd.round(job.indices, job.optimizer, this.local, this.grad, round, plan, job.rng);
      result = { trainLoss: r.seen > 0 ? r.lossSum / r.seen : 0, samples: n, steps: r.steps };
      this.kernels.sub(this.local, global, delta);
    } else {
      // Δ is final as the last step writes it unless FedNova or update privacy rewrite it: only then add it.
      const final = !plan.normalizeBySteps && this.privacy.update === undefined;
      result = this.plainRound(job, global, round, plan, delta, final ? sink : undefined);
    }
    const post = (plan.normalizeBySteps && result.steps > 0) || this.privacy.update !== undefined;
    // FedNova: d = Δ / τ leaves the node (compressed, clipped and noised as Δ would be).
    if (plan.normalizeBySteps && result.steps > 0) this.kernels.scale(1 / result.steps, delta);
    if (this.privacy.update) privatizeUpdate(delta, this.privacy.update, job.rng.fork('dp-local', round));
    // Δ rewritten: its scan no longer holds (nothing was added: the sink was withheld above).
    return post && result.finite ? { trainLoss: result.trainLoss, samples: n, steps: result.steps } : result;
  }

  /**
   * Shuffled minibatch epochs (McMahan et al. 2017's ClientUpdate) from `global`, then Δ into `delta`.
   * Bit for bit the copy-step-subtract of the textbook loop (x_local ← x; steps on x_local;
   * Δ = x_local − x), with fewer passes over the model when the optimizer offers them: the first step
   * reads `global` and writes `this.local` (`stepInto`, no copy), and the last writes Δ directly and
   * scans it (`stepDelta`: x_local is not written, Δ not read again). With 8 examples and B = 10 a client
   * takes one step: forward and backward read `global`, and one pass reads it with the gradient and
   * writes Δ. With `sink`, that pass also adds weight·Δ into the sink's accumulator (`added` in the result);
   * a function is asked for the sink only then, right before the pass (undefined: nothing is added).
   */
  private plainRound(
    job: ClientJob,
    global: Float32Array,
    round: number,
    plan: LocalPlan,
    delta: Float32Array,
    sink: DeltaSinkSource | undefined,
  ): LocalResult {
    const n = job.indices.length;
    const b = Math.min(plan.batchSize ?? n, n);
    if (this.batch === null || this.batch.capacity < b) this.batch = makeBatch(this.data, b);
    if (this.order.length < n) this.order = new Int32Array(n);
    const order = this.order.subarray(0, n);
    order.set(job.indices);
    const rng = job.rng.fork('order', round);
    const opt = job.optimizer;
    let steps = 0;
    let lossSum = 0;
    let seen = 0;
    /** The parameters the next step reads: `global` until the first step wrote `this.local`. */
    let cur = global;
    /** The fused last step's scan of Δ, or null: Δ is still to be written. */
    let bad: number | null = null;
    /** The sink the last step added into, if any. */
    let used: DeltaSink | undefined;
    const maxSteps = plan.maxSteps ?? Number.POSITIVE_INFINITY;
    outer: for (let epoch = 0; epoch < plan.epochs; epoch++) {
      rng.shuffle(order);
      for (let start = 0; start < n; start += b) {
        if (steps >= maxSteps) break outer;
        const count = Math.min(b, n - start);
        const { x, y } = gather(this.data, order, start, count, this.batch);
        lossSum += this.model.lossAndGrad(this.kernels, this.loss, cur, x, y, count, this.grad);
        this.adjustGradient(job, cur, global, plan);
        const last = steps + 1 >= maxSteps || (start + b >= n && epoch + 1 >= plan.epochs);
        if (last && opt.stepDelta) {
          // A sink is asked for only where the kernels can add in the pass (a pool thread's takes a lock).
          if (this.kernels.sgdDeltaAcc) used = typeof sink === 'function' ? sink() : sink;
          bad = opt.stepDelta(cur, this.grad, global, used?.discard ? null : delta, used);
        }
        if (bad === null) {
          if (cur !== global) opt.step(cur, this.grad);
          else if (opt.stepInto) opt.stepInto(global, this.grad, this.local);
          else {
            this.local.set(global);
            opt.step(this.local, this.grad);
          }
          cur = this.local;
        }
        seen += count;
        steps++;
      }
    }
    if (bad === null) this.kernels.sub(cur, global, delta);
    const trainLoss = seen > 0 ? lossSum / seen : 0;
    const added = bad !== null && used !== undefined;
    const flags = { ...(bad === -1 ? { finite: true } : {}), ...(added ? { added } : {}) };
    return { trainLoss, samples: n, steps, ...flags, ...(added && used?.discard ? { discarded: true } : {}) };
  }

  /**
   * FedProx's proximal gradient μ(x − x_global) and SCAFFOLD's correction c − c_i, added to `grad`;
   * `params` is the x the step reads (`global` itself before the first step).
   */
  private adjustGradient(job: ClientJob, params: Float32Array, global: Float32Array, plan: LocalPlan): void {
    const mu = plan.proximalMu;
    if (mu !== undefined) {
      this.proximal ??= new Float32Array(this.local.length);
      this.kernels.sub(params, global, this.proximal);
      this.kernels.axpy(mu, this.proximal, this.grad);
    }
    if (job.correction) this.kernels.axpy(1, job.correction, this.grad);
  }
}
