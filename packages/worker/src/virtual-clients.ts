import {
  type DeltaSinkSource,
  errors,
  freshOptimizerMemory,
  type Kernels,
  type LocalPlan,
  type LocalResult,
  makeNodeExecutor,
  type NodeExecutor,
  Optimizer,
  type OptimizerMemory,
  Rng,
} from '@starling/core';
import { type NodeSetup, workspaceFor } from './node-setup.js';

/** A registered client's persistent part, created the first time it trains. */
interface ClientRecord {
  readonly rng: Rng;
  readonly memory: OptimizerMemory;
  /** The optimizer step count before the client's last training with a sink, or −1 (see `replay`). */
  stepBeforeSink: number;
}

/**
 * A run's registered clients as data, trained by one {@link ClientExecutor} (the inline runtime's main
 * thread). A client is its example indices (`parts[id]`), its stream `Rng.fromSeed(seed).fork('node', id)`
 * and its optimizer memory (step count; moment vectors only for optimizers that have them), both
 * created on the client's first round: registering 60,000 clients costs their partitions, and memory
 * grows with the clients that have trained and the state their optimizer needs. A client trains
 * exactly as a worker host's pool thread trains it (`trainTask`), so every runtime gives the same bits.
 */
export class VirtualClients {
  private readonly executor: NodeExecutor;
  private readonly optimizer: Optimizer;
  private readonly records = new Map<number, ClientRecord>();

  /**
   * @param setup the run's node setup (data, model, optimizer, privacy)
   * @param parts each client's example indices, indexed by client id
   */
  constructor(
    private readonly setup: NodeSetup,
    private readonly parts: readonly Int32Array[],
    private readonly kernels: Kernels,
  ) {
    const { data, model } = workspaceFor(setup);
    this.executor = makeNodeExecutor({ ...setup, model, kernels, data: data.train });
    this.optimizer = new Optimizer(setup.optimizer, model.layout.size, kernels);
  }

  /** The backend of the kernels the clients train with. */
  get backend(): Kernels['backend'] {
    return this.kernels.backend;
  }

  /** Whether `id` is a registered client. */
  has(id: number): boolean {
    return Number.isInteger(id) && id >= 0 && id < this.parts.length;
  }

  /**
   * A checkpoint of every client that has trained: its optimizer memory (step count and copies of its
   * vectors), by client id. Client streams need no position: every round forks them anew.
   */
  state(): Map<number, OptimizerMemory> {
    const out = new Map<number, OptimizerMemory>();
    for (const [id, r] of this.records) {
      out.set(id, { step: r.memory.step, slots: r.memory.slots?.map((v) => v.slice()) ?? null });
    }
    return out;
  }

  /** Restores clients' memories from {@link state} (copied); clients not named start fresh. */
  load(states: ReadonlyMap<number, OptimizerMemory>): void {
    this.records.clear();
    for (const [id, m] of states) {
      if (!this.has(id)) throw errors.data('checkpoint', `client ${id} is not a client of this run`);
      const memory = { step: m.step, slots: m.slots?.map((v) => v.slice()) ?? null };
      this.records.set(id, { rng: Rng.fromSeed(this.setup.seed).fork('node', id), memory, stepBeforeSink: -1 });
    }
  }

  /**
   * Trains client `id` from `global` for `round` and writes its update Δ into `delta`; `correction`
   * (SCAFFOLD's c − c_i) is added to every local gradient; with `sink`, the trainer may also add the
   * client's weighted Δ into the round's accumulator as it writes it (`added` in the result).
   */
  train(
    id: number,
    global: Float32Array,
    round: number,
    plan: LocalPlan,
    delta: Float32Array,
    correction?: Float32Array,
    sink?: DeltaSinkSource,
  ): LocalResult {
    let record = this.records.get(id);
    if (!record) {
      const rng = Rng.fromSeed(this.setup.seed).fork('node', id);
      record = { rng, memory: freshOptimizerMemory(), stepBeforeSink: -1 };
      this.records.set(id, record);
    }
    this.optimizer.bind(record.memory);
    if (sink !== undefined) record.stepBeforeSink = record.memory.step;
    const job = { id, indices: this.parts[id], rng: record.rng, optimizer: this.optimizer, correction };
    return this.executor.train(job, global, round, plan, delta, sink);
  }

  /**
   * Trains client `id` again for `round` exactly as its last {@link train} with a sink did (its optimizer
   * memory set back to its step count before that call), writing Δ into `delta` and adding it nowhere:
   * rebuilds an update whose Δ was only added (`LocalResult.discarded`). Training is a pure function of
   * the client's examples, its stream and its memory, so Δ has the bits the first call would have
   * written. Only for optimizers without state vectors (the only ones that discard).
   */
  replay(id: number, global: Float32Array, round: number, plan: LocalPlan, delta: Float32Array): LocalResult {
    const record = this.records.get(id);
    if (!record || record.stepBeforeSink < 0) throw errors.runtime(`client ${id} has no training to replay`);
    if ((record.memory.slots?.length ?? 0) > 0) {
      throw errors.runtime(`client ${id}'s optimizer state cannot be replayed`);
    }
    record.memory.step = record.stepBeforeSink;
    return this.train(id, global, round, plan, delta);
  }
}
