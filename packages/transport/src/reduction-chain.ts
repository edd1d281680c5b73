/**
 * A round's float64 reduction shared by pool threads (threads runtime) or by the pool threads of several
 * processes (processes runtime): Σ_i p_i·Δ_i, added in increasing order index i by whichever thread holds
 * the drain lock, so the bits are those of one thread calling `accumulate` for i = 0, 1, … from zero.
 *
 * Control words (Int32): `[next, lock, flag_0 … flag_{n−1}]`.
 */
export const CHAIN_HEAD = 2;
const NEXT = 0;
const LOCK = 1;
/** A flag: not trained yet, trained and finite (add it), or not to be added (the reduction is then void). */
const PENDING = 0;
const READY = 1;
const SKIP = 2;

/**
 * What a pool thread needs to take part in a round's shared reduction (structured-cloneable: every array
 * is a view of a SharedArrayBuffer, or of the processes runtime's shared mapping, except `weights`, a
 * copy in the threads runtime): the float64 accumulator, the control words and the weights p_i of the
 * round's selected nodes in increasing id order.
 */
export interface ReductionChain {
  /**
   * Σ_i p_i·Δ_i in float64, added in increasing order index, from zero (P entries). Nobody zeroes it at the
   * open: the thread that adds order index 0 zeroes it first (the same +0 the adds started from before),
   * so its contents mean nothing until {@link markAndDrainFlags.complete}.
   */
  readonly acc: Float64Array;
  /**
   * The finished sum rounded to float32 (P entries; optional): the thread that adds the last order index
   * rounds `acc` into it (`Float32Array.set`: to nearest, ties to even) before the chain counts as
   * complete, so the server's close copies float32s instead of rounding P float64s itself.
   */
  readonly mean?: Float32Array;
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

/** The number of order indices of a chain. */
export const chainLength = (ctrl: Int32Array): number => ctrl.length - CHAIN_HEAD;

/**
 * Node `index` of the chain is trained (`ok`: its Δ is finite and may be added; false: it must not be,
 * which voids the whole reduction); then, unless another thread holds the drain lock, adds every Δ that
 * is next in order and ready, `acc += p_i·Δ_i` by `add`, in increasing i, then lets go and looks again.
 * Nobody ever waits: a thread that finds the lock taken leaves, and the holder checks again after
 * releasing it, so every ready Δ is added by someone before the last thread to mark its node returns
 * (Atomics are sequentially consistent). The order of float64 additions is exactly increasing i,
 * whichever thread adds: the bits are those of `accumulate` called for i = 0, 1, … on one thread. The
 * adder of index 0 zeroes `acc` first; the adder of the last index rounds it into `mean` (if any) before
 * it stores the last `next`.
 * @param add adds Δ_i with weight p_i into `chain.acc` (e.g. `kernels.accumulate(p, delta_i, acc)`)
 */
export function markAndDrain(chain: ReductionChain, index: number, ok: boolean, add: (i: number) => void): void {
  Atomics.store(chain.ctrl, CHAIN_HEAD + index, ok ? READY : SKIP);
  drain(chain, add);
}

/**
 * Whether order index `index` is next with the drain lock free. Then (true) the caller holds the lock and
 * adds Δ_index into `acc` itself, in the pass that writes Δ (the fused last step, `sgdDeltaAcc`: the same
 * float64 operation `add` would do, in the same place in the order), and must call {@link markHeld} next;
 * index 0 finds `acc` zeroed here, as the adder of index 0 zeroes it. False: nothing is held, the node is
 * marked as usual ({@link markAndDrain}).
 */
export function takeHead(chain: ReductionChain, index: number): boolean {
  const { ctrl } = chain;
  if (Atomics.compareExchange(ctrl, LOCK, 0, 1) !== 0) return false;
  if (Atomics.load(ctrl, NEXT) !== index) {
    Atomics.store(ctrl, LOCK, 0);
    return false;
  }
  if (index === 0) chain.acc.fill(0);
  return true;
}

/**
 * After {@link takeHead}: node `index` is done. `added` with `ok` (its finite Δ went into `acc` whole):
 * it counts as added, and the last index rounds the sum into `mean`, as a drain does. Otherwise it is
 * marked as {@link markAndDrain} marks (`ok`: its Δ waits to be added; not `ok`: the reduction is void,
 * so a Δ that was added non-finite is never used). Lets go of the lock, then drains what is ready next.
 */
export function markHeld(
  chain: ReductionChain,
  index: number,
  added: boolean,
  ok: boolean,
  add: (i: number) => void,
): void {
  const { ctrl } = chain;
  if (added && ok) {
    if (index === chainLength(ctrl) - 1) chain.mean?.set(chain.acc);
    Atomics.store(ctrl, CHAIN_HEAD + index, READY);
    Atomics.store(ctrl, NEXT, index + 1);
  } else {
    Atomics.store(ctrl, CHAIN_HEAD + index, ok && !added ? READY : SKIP);
  }
  Atomics.store(ctrl, LOCK, 0);
  drain(chain, add);
}

/** The drain of {@link markAndDrain}: adds every ready Δ next in order while the lock is free. */
function drain(chain: ReductionChain, add: (i: number) => void): void {
  const { ctrl } = chain;
  const count = chainLength(ctrl);
  for (;;) {
    if (Atomics.compareExchange(ctrl, LOCK, 0, 1) !== 0) return;
    let next = Atomics.load(ctrl, NEXT);
    let flag = PENDING;
    try {
      for (; next < count; Atomics.store(ctrl, NEXT, ++next)) {
        flag = Atomics.load(ctrl, CHAIN_HEAD + next);
        if (flag !== READY) break; // PENDING: its thread adds on; SKIP: the chain stops here for good
        if (next === 0) chain.acc.fill(0);
        add(next);
        if (next === count - 1) chain.mean?.set(chain.acc);
      }
    } finally {
      Atomics.store(ctrl, LOCK, 0);
    }
    if (flag === SKIP || next >= count || Atomics.load(ctrl, CHAIN_HEAD + next) === PENDING) return;
  }
}

/**
 * Reads of a chain's control words for whoever follows it: whether order index `i` was marked ready
 * (trained, finite; its Δ is or will be in the accumulator before its marker's `markAndDrain` returns),
 * and whether every index was added.
 */
export const markAndDrainFlags = {
  ready: (ctrl: Int32Array, i: number): boolean =>
    i < chainLength(ctrl) && Atomics.load(ctrl, CHAIN_HEAD + i) === READY,
  complete: (ctrl: Int32Array): boolean => chainLength(ctrl) > 0 && Atomics.load(ctrl, NEXT) === chainLength(ctrl),
};
