import { Rng } from '../rng/rng.js';

/** The largest seed a random-k payload may carry (seeds are safe integers, as `Rng.fromSeed` requires). */
export const MAX_INDEX_SEED = 2 ** 53 - 1;

/** Draws a 53-bit seed from `rng` (two `nextUint32` calls: high 21 bits, then low 32). */
export function drawIndexSeed(rng: Rng): number {
  const hi = rng.nextUint32() & 0x1fffff;
  return hi * 4294967296 + rng.nextUint32();
}

/**
 * Kernel: the k distinct indices in [0, d) that random-k uses for `seed`, written to `out` in
 * increasing order. Part of the wire format, since the receiver regenerates them: Floyd's algorithm
 * (for j = d−k … d−1: t = rng.int(j + 1); take t, or j if t was taken) over
 * `Rng.fromSeed(seed)` (Philox4x32-10, `int` by rejection), then the taken set in increasing order.
 * Native-replaceable.
 */
export function randomIndices(seed: number, d: number, k: number, out: Int32Array): void {
  const rng = Rng.fromSeed(seed);
  const taken = new Uint8Array(d);
  for (let j = d - k; j < d; j++) {
    const t = rng.int(j + 1);
    if (taken[t] === 0) taken[t] = 1;
    else taken[j] = 1;
  }
  let n = 0;
  for (let i = 0; i < d; i++) if (taken[i] !== 0) out[n++] = i;
}
