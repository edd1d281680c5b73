import { firstNonFinite } from '@starling/core';

/** The reference scan (block sums, in @starling/core), re-exported for the codec and the endpoints. */
export { firstNonFinite };

/**
 * A replacement for {@link firstNonFinite} on float32 payloads: the index of the first NaN or ±Inf of
 * `x`, or -1. Must give exactly the reference's answer for every input; endpoints check a supplied
 * scan against the reference with {@link checkNonFiniteScan} before using it.
 */
export type NonFiniteScan = (x: Float32Array) => number;

/** Bit patterns that must be found: quiet, signalling and negative NaNs, +Inf, -Inf. */
const BAD_BITS = [0x7fc00000, 0x7f800001, 0xffc00000, 0x7fbfffff, 0x7f800000, 0xff800000];
/** Finite values that must pass: ±max, the smallest normal and subnormal, -0, the largest below Inf. */
const GOOD_BITS = [0x7f7fffff, 0xff7fffff, 0x00800000, 0x00000001, 0x80000000, 0x3f800000, 0xbf000000];

/**
 * Compares `scan` with {@link firstNonFinite} on probe arrays (lengths around SIMD widths and the
 * 8192-entry blocks, offset views, every NaN/Inf bit pattern class at the start, middle and tail, two
 * bad entries where the first must win, and finite extremes). Returns the first disagreement as a
 * sentence, or null when the scan agrees everywhere. About 10 ms; a scan that passed is remembered.
 */
export function checkNonFiniteScan(scan: NonFiniteScan): string | null {
  if (passed.has(scan)) return null;
  const problem = probe(scan);
  if (problem === null) passed.add(scan);
  return problem;
}

const passed = new WeakSet<NonFiniteScan>();

function probe(scan: NonFiniteScan): string | null {
  const backing = new Uint32Array(8200 + 4);
  for (let i = 0; i < backing.length; i++) backing[i] = GOOD_BITS[i % GOOD_BITS.length];
  for (const n of [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 8191, 8192, 8193]) {
    for (const offset of [0, 1, 3]) {
      const bits = backing.subarray(offset, offset + n);
      const x = new Float32Array(bits.buffer, bits.byteOffset, n);
      const cases: number[][] = [[]];
      for (const at of new Set([0, 1, n >> 1, n - 2, n - 1].filter((i) => i >= 0 && i < n))) {
        for (const bad of BAD_BITS) cases.push([at, bad]);
        if (at + 5 < n) cases.push([at, BAD_BITS[0], at + 5, BAD_BITS[5]]);
      }
      for (const c of cases) {
        const saved = c.filter((_, k) => k % 2 === 0).map((at) => bits[at]);
        for (let k = 0; k < c.length; k += 2) bits[c[k]] = c[k + 1];
        const want = firstNonFinite(x);
        let got: unknown;
        try {
          got = scan(x);
        } catch (e) {
          got = `an exception (${(e as Error).message})`;
        }
        for (let k = 0; k < c.length; k += 2) bits[c[k]] = saved[k / 2];
        if (got !== want) return `on ${n} entries at offset ${offset} it answered ${String(got)}, expected ${want}`;
      }
    }
  }
  return null;
}
