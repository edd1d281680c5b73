import { fileURLToPath } from 'node:url';
import type { OptimizerState } from '@starling/core';
import { Piscina } from 'piscina';
import type { NodeSetup } from '../node-setup.js';
import type { TrainResult, TrainTask } from '../train-task.js';

// CommonJS, loading dist/train-task.js with import(): see pool/entry.cjs
const TASK_FILE = fileURLToPath(new URL('../../pool/entry.cjs', import.meta.url));

/**
 * Local training of a gossip host's peers in a piscina pool (`train-task.ts`, the same entry as the
 * parameter server's hosts). Each peer's example indices and optimizer state stay here between rounds
 * and travel with every task, so a result does not depend on which thread ran it.
 */
export class PeerTraining {
  private readonly pool: Piscina;
  private readonly indices = new Map<number, Int32Array>();
  private readonly states = new Map<number, OptimizerState>();

  /** @param threads pool threads (≥ 1) */
  constructor(
    private readonly setup: NodeSetup,
    threads: number,
  ) {
    this.pool = new Piscina({ filename: TASK_FILE, minThreads: threads, maxThreads: threads, idleTimeout: 60_000 });
    // A task still training when the host closes (the run ended or failed) answers a destroyed pool,
    // which piscina reports as an 'error' event: without a listener that would crash the process.
    this.pool.on('error', () => {});
  }

  /** Gives peer `node` its training examples (indices into the training split). */
  assign(node: number, indices: Int32Array): void {
    this.indices.set(node, indices);
  }

  /** Trains `node` for `round` from the model `from`; resolves with Δ = x_local − from and keeps the optimizer state. */
  async train(node: number, round: number, from: Float32Array): Promise<TrainResult> {
    const task: TrainTask = {
      setup: this.setup,
      node,
      indices: this.indices.get(node) ?? new Int32Array(0),
      round,
      global: from,
      state: this.states.get(node) ?? null,
    };
    const r: TrainResult = await this.pool.run(task, { name: 'trainTask' });
    this.states.set(node, r.state);
    return r;
  }

  /** Peer `node`'s optimizer state after its last training (null before its first); never written later. */
  state(node: number): OptimizerState | null {
    return this.states.get(node) ?? null;
  }

  /** Puts back peer `node`'s optimizer state from a checkpoint (null: a fresh optimizer). */
  restore(node: number, state: OptimizerState | null): void {
    if (state === null) this.states.delete(node);
    else this.states.set(node, state);
  }

  /** Stops the pool's threads. */
  destroy(): Promise<void> {
    return this.pool.destroy();
  }
}
