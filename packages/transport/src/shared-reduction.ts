/** Control words of a {@link ReductionChain}: the next order index to add, the drain lock, then one flag per index. */
const NEXT = 0;
const LOCK = 1;
const FLAGS = 2;
/** A flag: not trained yet, trained and finite (add it), or not to be added (the reduction is then void). */
const PENDING = 0;
const READY = 1;
const SKIP = 2;

/**
 * What a pool thread needs to take part in a round's shared reduction (structured-cloneable: every array
 * is a view of a SharedArrayBuffer except `weights`, a copy): the float64 accumulator, the control words
 * and the weights p_i of the round's selected nodes in increasing id order.
 */
export interface ReductionChain {
  /** Σ_i p_i·Δ_i in float64, added in increasing order index, from zero. */
  readonly acc: Float64Array;
  /** `[next, lock, flag_0, flag_1, …]` (see {@link markAndDrain}). */
  readonly ctrl: Int32Array;
  /** p_i for order index i (the round machine's capped weights). */
  readonly weights: Float64Array;
  /**
   * The reader's kernel backend: a thread adds with `accumulate` of the same backend only (the native
   * one contracts to FMA, the JS one does not); with another, it marks its nodes not to be added.
   */
  readonly backend: string;
}

/**
 * Node `index` of the chain is trained (`ok`: its Δ is finite and may be added; false: it must not be,
 * which voids the whole reduction); then, unless another thread holds the drain lock, adds every Δ that
 * is next in order and ready, `acc += p_i·Δ_i` by `add`, in increasing i. Nobody ever waits: a thread
 * that finds the lock taken leaves, and the holder checks again after releasing it, so every ready Δ is
 * added by someone before the last thread to mark its node returns (Atomics are sequentially
 * consistent). The order of float64 additions is exactly increasing i, whichever thread adds: the bits
 * are those of `accumulate` called for i = 0, 1, … on one thread.
 * @param add adds Δ_i with weight p_i into `chain.acc` (e.g. `kernels.accumulate(p, delta_i, acc)`)
 */
export function markAndDrain(chain: ReductionChain, index: number, ok: boolean, add: (i: number) => void): void {
  const { ctrl } = chain;
  const count = ctrl.length - FLAGS;
  Atomics.store(ctrl, FLAGS + index, ok ? READY : SKIP);
  for (;;) {
    if (Atomics.compareExchange(ctrl, LOCK, 0, 1) !== 0) return;
    let next = Atomics.load(ctrl, NEXT);
    let flag = PENDING;
    try {
      for (; next < count; Atomics.store(ctrl, NEXT, ++next)) {
        flag = Atomics.load(ctrl, FLAGS + next);
        if (flag !== READY) break; // PENDING: its thread adds on; SKIP: the chain stops here for good
        add(next);
      }
    } finally {
      Atomics.store(ctrl, LOCK, 0);
    }
    if (flag === SKIP || next >= count || Atomics.load(ctrl, FLAGS + next) === PENDING) return;
  }
}

/**
 * Reads of a chain's control words (`ReductionChain.ctrl`) for whoever follows it: whether order index
 * `i` was marked ready (trained, finite; its Δ is or will be in the accumulator before its marker's
 * `markAndDrain` returns), and whether every index was added.
 */
export const markAndDrainFlags = {
  ready: (ctrl: Int32Array, i: number): boolean => Atomics.load(ctrl, FLAGS + i) === READY,
  complete: (ctrl: Int32Array): boolean => ctrl.length > FLAGS && Atomics.load(ctrl, NEXT) === ctrl.length - FLAGS,
};

/**
 * A round's reduction in shared memory, owned by the in-process parameter server's `SharedLane`: the
 * server opens it when it dispatches a round whose mean streams (weights fixed at the open), the host
 * claims it when its share of the round is exactly the selected nodes in id order, and its pool threads
 * add each finite Δ right after training it ({@link markAndDrain}). The round machine then takes the
 * finished accumulator instead of adding the Δs on the main thread; when anything is off (a node failed,
 * was not added, reported another count) it aggregates the Δs it holds as before. Reused once both the
 * server (the round closed) and the host (every block of the round returned) released it.
 */
export class SharedReduction {
  readonly acc: Float64Array;
  private ctrl: Int32Array;
  private weights: Float64Array<ArrayBufferLike> = new Float64Array(0);
  private order: readonly number[] = [];
  private round = -1;
  private backend = '';
  private holders = 0;

  /** @param size the model's length P */
  constructor(size: number) {
    this.acc = new Float64Array(new SharedArrayBuffer(size * 8));
    this.ctrl = new Int32Array(0);
  }

  /** True while the server or the host still uses it. */
  get busy(): boolean {
    return this.holders > 0;
  }

  /** Opens it for `round` (the server's hold): zero accumulator, nothing added, every node pending. */
  open(round: number, order: readonly number[], weights: Float64Array<ArrayBufferLike>, backend: string): void {
    this.round = round;
    this.backend = backend;
    this.order = order;
    this.weights = weights;
    this.acc.fill(0);
    if (this.ctrl.length !== FLAGS + order.length) {
      this.ctrl = new Int32Array(new SharedArrayBuffer(4 * (FLAGS + order.length)));
    } else this.ctrl.fill(0);
    this.holders = 1;
  }

  /** The host's claim for `round` when its nodes are exactly the order; null when it may not take part. */
  claim(round: number, nodes: readonly number[]): ReductionChain | null {
    if (this.holders !== 1 || round !== this.round || nodes.length !== this.order.length) return null;
    for (let i = 0; i < nodes.length; i++) if (nodes[i] !== this.order[i]) return null;
    this.holders++;
    return { acc: this.acc, ctrl: this.ctrl, weights: this.weights.slice(), backend: this.backend };
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
    return this.ctrl.length === FLAGS + this.order.length && markAndDrainFlags.complete(this.ctrl);
  }
}
