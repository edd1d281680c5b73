/**
 * A round's float64 reduction shared by pool threads (threads runtime) or by the pool threads of several
 * processes (processes runtime): Σ_i p_i·Δ_i, added in increasing order index i by whichever thread is
 * free, so the bits are those of one thread calling `accumulate` for i = 0, 1, … from zero.
 *
 * The model's coordinates are cut into K parts (K ≤ {@link CHAIN_PARTS}, chosen by whoever opens the
 * chain; bounds at multiples of {@link PART_ALIGN} floats, the last part ends at P), and each part keeps
 * its own order counter and lock: each coordinate is still added in increasing i, but two threads can add
 * the same Δs at once, each into other coordinates (the tail of a processes round, when one worker
 * finished its nodes while its Δs still wait behind the other's last node). The threads runtime opens
 * its chains with one part: there the two pool threads finish within a node of each other, and splitting
 * each Δ's add between them only made each core read the other's Δs (pool CPU per round +1-3 ms).
 *
 * Control words (Int32): `[K, next_0, lock_0, …, next_{K−1}, lock_{K−1}, (unused parts), flag_0 … flag_{n−1}]`;
 * K = 0 reads as 1.
 */
export const CHAIN_PARTS = 4;
/** Part bounds are multiples of this many floats (the SIMD kernels' tails fall where a whole call's do). */
export const PART_ALIGN = 64;
/** Control words before the flags. */
export const CHAIN_HEAD = 1 + 2 * CHAIN_PARTS;
const NEXT = (c: number) => 1 + 2 * c;
const LOCK = (c: number) => 2 + 2 * c;
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
   * open: the thread that adds order index 0 into a part zeroes that part first (the same +0 the adds
   * started from before), so its contents mean nothing until {@link markAndDrainFlags.complete}.
   */
  readonly acc: Float64Array;
  /**
   * The finished sum rounded to float32 (P entries; optional): the thread that adds the last order index
   * into a part rounds that part of `acc` into it (`Float32Array.set`: to nearest, ties to even) before the
   * part counts as added, so the server's close copies float32s instead of rounding P float64s itself.
   */
  readonly mean?: Float32Array;
  /** `[K, next_0, lock_0, …, flag_0, flag_1, …]`: {@link CHAIN_HEAD} words, then one flag per order index. */
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
 * Adds Δ_i with weight p_i into `chain.acc` over coordinates `[lo, hi)` only, e.g.
 * `kernels.accumulate(p_i, Δ_i.subarray(lo, hi), acc.subarray(lo, hi))`. Never called with lo = hi.
 */
export type PartAdd = (i: number, lo: number, hi: number) => void;

/** Coordinates `[lo, hi)` of part `c` of `parts` of a model of `p` floats (empty parts when p is small). */
export function chainPart(c: number, p: number, parts: number = CHAIN_PARTS): { lo: number; hi: number } {
  const at = (k: number) => (k >= parts ? p : Math.min(p, Math.floor((k * p) / (parts * PART_ALIGN)) * PART_ALIGN));
  return { lo: at(c), hi: at(c + 1) };
}

/** The number of order indices of a chain. */
export const chainLength = (ctrl: Int32Array): number => ctrl.length - CHAIN_HEAD;

/** The number of parts K of a chain (its opener's choice, 1 … {@link CHAIN_PARTS}). */
export const chainParts = (ctrl: Int32Array): number => Math.min(CHAIN_PARTS, Math.max(1, Atomics.load(ctrl, 0)));

/**
 * Resets `ctrl` for a new round of `ctrl.length − CHAIN_HEAD` nodes cut into `parts` parts: nothing added,
 * every node pending. Only while no thread uses the chain (the opener's hold).
 */
export function resetChain(ctrl: Int32Array, parts: number): void {
  if (!Number.isInteger(parts) || parts < 1 || parts > CHAIN_PARTS) {
    throw new RangeError(`chain parts must be an integer in [1, ${CHAIN_PARTS}], got ${parts}`);
  }
  ctrl.fill(0);
  Atomics.store(ctrl, 0, parts);
}

/**
 * Node `index` of the chain is trained (`ok`: its Δ is finite and may be added; false: it must not be,
 * which voids the whole reduction); then drains ({@link drainChain}). Nobody ever waits.
 */
export function markAndDrain(chain: ReductionChain, index: number, ok: boolean, add: PartAdd): void {
  Atomics.store(chain.ctrl, CHAIN_HEAD + index, ok ? READY : SKIP);
  drainChain(chain, add);
}

/**
 * In every part whose lock is free, adds every Δ that is next in that part's order and ready, in
 * increasing i, then lets go; repeats while a part it let go of has a ready Δ next. A thread that finds a
 * part's lock taken leaves that part to its holder, who looks again after releasing it, so every ready Δ
 * is added by someone before the last thread to mark a node returns (Atomics are sequentially
 * consistent). Each coordinate is added in exactly increasing i, whichever threads add.
 * @returns true when something was added
 */
export function drainChain(chain: ReductionChain, add: PartAdd): boolean {
  const { ctrl } = chain;
  const count = chainLength(ctrl);
  const parts = chainParts(ctrl);
  const p = chain.acc.length;
  let added = false;
  for (let again = true; again; ) {
    again = false;
    for (let c = 0; c < parts; c++) {
      if (Atomics.compareExchange(ctrl, LOCK(c), 0, 1) !== 0) continue;
      const { lo, hi } = chainPart(c, p, parts);
      let next = Atomics.load(ctrl, NEXT(c));
      let flag = PENDING;
      try {
        for (; next < count; Atomics.store(ctrl, NEXT(c), ++next)) {
          flag = Atomics.load(ctrl, CHAIN_HEAD + next);
          if (flag !== READY) break; // PENDING: its marker drains on; SKIP: this part stops here for good
          if (lo < hi) {
            if (next === 0) chain.acc.fill(0, lo, hi);
            add(next, lo, hi);
            if (next === count - 1) chain.mean?.set(chain.acc.subarray(lo, hi), lo);
          }
          added = true;
        }
      } finally {
        Atomics.store(ctrl, LOCK(c), 0);
      }
      if (flag !== SKIP && next < count && Atomics.load(ctrl, CHAIN_HEAD + next) === READY) again = true;
    }
  }
  return added;
}

/** How a thread with no node left to train helps drain ({@link helpDrain}). */
export interface HelpOptions {
  /** Help only when at least this many ready Δs wait behind the chain's first untrained node. */
  readonly minWaiting: number;
  /** Stop when no node was marked and nothing added for this long (a node that never comes: ms). */
  readonly patienceMs: number;
  /** Sleep between looks (ms). */
  readonly pollMs: number;
}

/** Defaults: see {@link HelpOptions}. */
export const HELP: HelpOptions = { minWaiting: 4, patienceMs: 20, pollMs: 0.2 };

/**
 * Called by a thread that has trained all it will: when enough ready Δs wait behind an untrained node
 * (another thread's or process's), it stays, and once at least `minWaiting` of them are ready in a row at
 * the head of a part (that node was marked), it takes free parts, so the adds after that node are shared
 * instead of left to its marker alone. It leaves the head's single fresh Δs to their markers (still in
 * their cores' caches). Returns when every part is complete, a part reached a node not to be added,
 * fewer than `minWaiting` Δs wait, or nothing moved for `patienceMs` (the node's thread died or was
 * descheduled: its marker still drains everything, as without help). Changes no bit: it only takes part
 * in {@link drainChain}.
 */
export function helpDrain(chain: ReductionChain, add: PartAdd, o: HelpOptions = HELP): void {
  const { ctrl } = chain;
  const count = chainLength(ctrl);
  const parts = chainParts(ctrl);
  const nap = new Int32Array(new SharedArrayBuffer(4));
  let seen = -1;
  let since = performance.now();
  for (;;) {
    let low = count;
    let done = 0; // Σ next over the parts: grows with every add
    for (let c = 0; c < parts; c++) {
      const next = Atomics.load(ctrl, NEXT(c));
      low = Math.min(low, next);
      done += next;
    }
    let waiting = 0;
    let run = 0; // ready in a row from `low`
    for (let i = low; i < count; i++) {
      const f = Atomics.load(ctrl, CHAIN_HEAD + i);
      if (f === SKIP) return;
      if (f === READY && run === i - low) run++;
      if (f === READY) waiting++;
    }
    if (low >= count || waiting < o.minWaiting) return;
    if (run >= o.minWaiting && drainChain(chain, add)) continue;
    const now = performance.now();
    const state = done * (count + 1) + waiting;
    if (state !== seen) {
      seen = state;
      since = now;
    } else if (now - since > o.patienceMs) return;
    Atomics.wait(nap, 0, 0, o.pollMs);
  }
}

/**
 * Reads of a chain's control words for whoever follows it: whether order index `i` was marked ready
 * (trained, finite; its Δ is or will be in the accumulator before its marker's `markAndDrain` returns),
 * and whether every index was added in every part.
 */
export const markAndDrainFlags = {
  ready: (ctrl: Int32Array, i: number): boolean =>
    i < chainLength(ctrl) && Atomics.load(ctrl, CHAIN_HEAD + i) === READY,
  complete: (ctrl: Int32Array): boolean => {
    const n = chainLength(ctrl);
    if (n <= 0) return false;
    for (let c = 0, parts = chainParts(ctrl); c < parts; c++) if (Atomics.load(ctrl, NEXT(c)) !== n) return false;
    return true;
  },
};
