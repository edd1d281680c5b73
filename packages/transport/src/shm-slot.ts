import { CHAIN_HEAD } from './reduction-chain.js';

/**
 * One round's reduction in memory shared between processes (a memfd mapped by every process of a
 * `processes` run, see `ShmRounds`): slot words, the chain's control words, the weights, the float64
 * accumulator, the round's model (written by the server at the open, read by the hosts), the rounded sum
 * (written by the pool threads as the chain completes) and the Δ arena
 * of the round's selected nodes. Every process computes the same layout from
 * (base, cap, P), so the server and the hosts' pool threads address the same bytes.
 *
 * Slot words (Int32, at `base`): `[lock, holders, round, n, pid_0 … pid_7]`. `holders` counts who may
 * still touch the slot (the server until the round closes, each host that joined until its pool threads
 * are done); a host joins only while `round` is its task's round, under `lock`, so once the server reopens
 * the slot for another round no late host of the old round writes into it. A host records its pid, so
 * the server can take back the hold of a host process that died (kill -9) instead of leaking the slot.
 */
export const SLOT_LOCK = 0;
export const SLOT_HOLDERS = 1;
export const SLOT_ROUND = 2;
export const SLOT_N = 3;
export const SLOT_PIDS = 4;
/** Hosts that may hold one slot at once (a round with more hosts takes the exact path). */
export const SLOT_MAX_HOSTS = 8;
/** Where the chain's control words start (Int32 index): `CHAIN_HEAD` words, then `flag_0 … flag_{cap−1}` (reduction-chain.ts). */
const CTRL_WORD = 16;

/** Byte offsets of a slot's parts, relative to its base. */
export interface SlotLayout {
  readonly weights: number;
  readonly acc: number;
  /** The round's model, P float32 (the server writes it before the tasks go out). */
  readonly model: number;
  /** The finished sum rounded to float32, P entries (`ReductionChain.mean`: written by the pool threads). */
  readonly mean: number;
  readonly deltas: number;
  /** The slot's size in bytes (a multiple of 4096). */
  readonly bytes: number;
}

const up = (x: number, to: number) => Math.ceil(x / to) * to;

/** The layout of a slot for up to `cap` nodes of a model of `p` floats. */
export function slotLayout(cap: number, p: number): SlotLayout {
  const weights = up(4 * (CTRL_WORD + CHAIN_HEAD + cap), 64);
  const acc = up(weights + 8 * cap, 64);
  const model = up(acc + 8 * p, 64);
  const mean = up(model + 4 * p, 64);
  const deltas = up(mean + 4 * p, 64);
  return { weights, acc, model, mean, deltas, bytes: up(deltas + 4 * cap * p, 4096) };
}

/** Views of one slot in a mapping of the region. */
export interface SlotViews {
  /** The slot words (see the file comment). */
  readonly words: Int32Array;
  /** The chain's control words for a round of `n` nodes: `CHAIN_HEAD` words, then `flag_0 … flag_{n−1}`. */
  readonly ctrl: Int32Array;
  readonly weights: Float64Array;
  readonly acc: Float64Array;
  /** The round's model (P floats). */
  readonly model: Float32Array;
  /** The finished sum rounded to float32 (P floats; valid once the chain is complete). */
  readonly mean: Float32Array;
  /** The round's Δs, `n × P` floats, node i of the order at `[i·P, (i+1)·P)`. */
  readonly deltas: Float32Array;
}

/** Views of the slot at byte `base` of `buffer`, for a round of `n` of at most `cap` nodes of `p` floats. */
export function slotViews(buffer: ArrayBufferLike, base: number, cap: number, p: number, n: number): SlotViews {
  const l = slotLayout(cap, p);
  return {
    words: new Int32Array(buffer, base, CTRL_WORD),
    ctrl: new Int32Array(buffer, base + 4 * CTRL_WORD, CHAIN_HEAD + n),
    weights: new Float64Array(buffer, base + l.weights, n),
    acc: new Float64Array(buffer, base + l.acc, p),
    model: new Float32Array(buffer, base + l.model, p),
    mean: new Float32Array(buffer, base + l.mean, p),
    deltas: new Float32Array(buffer, base + l.deltas, n * p),
  };
}

/** Runs `f` under the slot's lock (a few instructions; a spinning holder is another process's main thread). */
export function underSlotLock<T>(words: Int32Array, f: () => T): T {
  while (Atomics.compareExchange(words, SLOT_LOCK, 0, 1) !== 0);
  try {
    return f();
  } finally {
    Atomics.store(words, SLOT_LOCK, 0);
  }
}

/** A host process `pid` joins the slot for `round`: false when the slot is not (or no longer) open for it. */
export function joinSlot(words: Int32Array, round: number, pid: number): boolean {
  return underSlotLock(words, () => {
    if (Atomics.load(words, SLOT_ROUND) !== round || Atomics.load(words, SLOT_HOLDERS) < 1) return false;
    for (let k = 0; k < SLOT_MAX_HOSTS; k++) {
      if (Atomics.load(words, SLOT_PIDS + k) !== 0) continue;
      Atomics.store(words, SLOT_PIDS + k, pid);
      Atomics.add(words, SLOT_HOLDERS, 1);
      return true;
    }
    return false;
  });
}

/** Host process `pid` is done with the slot (its pool threads returned). */
export function leaveSlot(words: Int32Array, pid: number): void {
  underSlotLock(words, () => {
    for (let k = 0; k < SLOT_MAX_HOSTS; k++) {
      if (Atomics.load(words, SLOT_PIDS + k) !== pid) continue;
      Atomics.store(words, SLOT_PIDS + k, 0);
      Atomics.sub(words, SLOT_HOLDERS, 1);
      return;
    }
  });
}

/**
 * The server reopens the slot for `round` of `n` nodes when nobody holds it (holds of dead processes are
 * dropped first, `alive`); false when someone still does.
 */
export function reopenSlot(words: Int32Array, round: number, n: number, alive: (pid: number) => boolean): boolean {
  return underSlotLock(words, () => {
    for (let k = 0; k < SLOT_MAX_HOSTS; k++) {
      const pid = Atomics.load(words, SLOT_PIDS + k);
      if (pid === 0 || alive(pid)) continue;
      Atomics.store(words, SLOT_PIDS + k, 0);
      Atomics.sub(words, SLOT_HOLDERS, 1);
    }
    if (Atomics.load(words, SLOT_HOLDERS) !== 0) return false;
    Atomics.store(words, SLOT_ROUND, round);
    Atomics.store(words, SLOT_N, n);
    Atomics.store(words, SLOT_HOLDERS, 1);
    return true;
  });
}
