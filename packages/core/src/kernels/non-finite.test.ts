import { describe, expect, it } from 'vitest';
import { firstNonFinite } from './non-finite.js';

/** The obvious reference: the first index that Number.isFinite rejects. */
function reference(a: Float32Array | Float64Array): number {
  return a.findIndex((x) => !Number.isFinite(x));
}

describe('firstNonFinite', () => {
  const specials = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  const edge = [3.4028234663852886e38, -3.4028234663852886e38, 1e-45, -0, 0, 1.1754943508222875e-38];

  it.each([0, 1, 7, 8, 9, 8191, 8192, 8193, 20_000])('matches Number.isFinite at every position (n = %i)', (n) => {
    const a = Float32Array.from({ length: n }, (_, i) => edge[i % edge.length]);
    expect(firstNonFinite(a)).toBe(-1);
    for (const at of new Set([0, n >> 1, n - 1].filter((i) => i >= 0 && i < n))) {
      for (const bad of specials) {
        const b = a.slice();
        b[at] = bad;
        if (at + 3 < n) b[at + 3] = bad;
        expect(firstNonFinite(b)).toBe(reference(b));
      }
    }
  });

  it('flags every NaN bit pattern, including signalling and negative NaNs', () => {
    const u = Uint32Array.of(0x7f800001, 0xffc00000, 0x7fbfffff, 0xff800000, 0x7f7fffff);
    const f = new Float32Array(u.buffer);
    expect([0, 1, 2, 3, 4].map((i) => firstNonFinite(f.subarray(i, i + 1)))).toEqual([0, 0, 0, 0, -1]);
  });

  it('checks float64 arrays too', () => {
    expect(firstNonFinite(Float64Array.of(1, 1e308, Number.NaN))).toBe(2);
    expect(firstNonFinite(Float64Array.of(1, -1e308))).toBe(-1);
  });

  it('lets float64 blocks whose finite values overflow the block sum pass, and still finds a NaN after them', () => {
    const a = new Float64Array(20_000).fill(1.7e308);
    expect(a.reduce((s, x) => s + x, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(firstNonFinite(a)).toBe(-1);
    a[17_001] = Number.NaN;
    expect(firstNonFinite(a)).toBe(17_001);
  });

  it('does not let +Inf and -Inf in one block cancel, nor float32 extremes overflow a block sum', () => {
    const a = new Float32Array(8192).fill(3.4028234663852886e38);
    expect(firstNonFinite(a)).toBe(-1);
    a[10] = Number.NEGATIVE_INFINITY;
    a[11] = Number.POSITIVE_INFINITY;
    expect(firstNonFinite(a)).toBe(10);
    expect(firstNonFinite(a.subarray(11))).toBe(0);
  });
});
