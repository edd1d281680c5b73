import { CHAIN_HEAD, markAndDrainFlags, type ReductionChain } from './reduction-chain.js';

/**
 * A round's reduction in shared memory, owned by the in-process parameter server's `SharedLane`: the
 * server opens it when it dispatches a round whose mean streams (weights fixed at the open), the host
 * claims it when its share of the round is exactly the selected nodes in id order, and its pool threads
 * add each finite Δ right after training it (`markAndDrain`, reduction-chain.ts). The round machine then
 * takes the finished sum instead of adding the Δs on the main thread; when anything is off (a node failed,
 * was not added, reported another count) it aggregates the Δs it holds as before. Reused once both the
 * server (the round closed) and the host (every block of the round returned) released it.
 */
export class SharedReduction {
  readonly acc: Float64Array;
  /** The finished sum rounded to float32 by the pool threads (`ReductionChain.mean`); valid once complete. */
  readonly mean: Float32Array;
  private ctrl: Int32Array;
  private weights: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private order: readonly number[] = [];
  private round = -1;
  private backend = '';
  private holders = 0;

  /** @param size the model's length P */
  constructor(size: number) {
    this.acc = new Float64Array(new SharedArrayBuffer(size * 8));
    this.mean = new Float32Array(new SharedArrayBuffer(size * 4));
    this.ctrl = new Int32Array(0);
  }

  /** True while the server or the host still uses it. */
  get busy(): boolean {
    return this.holders > 0;
  }

  /**
   * Opens it for `round` (the server's hold): nothing added, every node pending. The accumulator keeps
   * the last round's sum: the thread that adds order index 0 zeroes it (`markAndDrain`).
   */
  open(round: number, order: readonly number[], weights: Float64Array<ArrayBufferLike>, backend: string): void {
    this.round = round;
    this.backend = backend;
    this.order = order;
    this.weights = weights;
    if (this.ctrl.length !== CHAIN_HEAD + order.length) {
      this.ctrl = new Int32Array(new SharedArrayBuffer(4 * (CHAIN_HEAD + order.length)));
    } else this.ctrl.fill(0);
    this.holders = 1;
  }

  /** The host's claim for `round` when its nodes are exactly the order; null when it may not take part. */
  claim(round: number, nodes: readonly number[]): ReductionChain | null {
    if (this.holders !== 1 || round !== this.round || nodes.length !== this.order.length) return null;
    for (let i = 0; i < nodes.length; i++) if (nodes[i] !== this.order[i]) return null;
    this.holders++;
    return { acc: this.acc, mean: this.mean, ctrl: this.ctrl, weights: this.weights.slice(), backend: this.backend };
  }

  /** The server's or the host's release. */
  release(): void {
    if (this.holders > 0) this.holders--;
  }

  /** Whether order index `i` was marked ready by a pool thread (its Δ is or will be in the accumulator). */
  claimed(i: number): boolean {
    return markAndDrainFlags.ready(this.ctrl, i);
  }

  /** Every selected node's Δ was added, in order. */
  complete(): boolean {
    return this.ctrl.length === CHAIN_HEAD + this.order.length && markAndDrainFlags.complete(this.ctrl);
  }
}
