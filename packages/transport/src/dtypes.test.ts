import { describe, expect, it } from 'vitest';
import { firstNonFinite, viewFrame } from './dtypes.js';

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
});

describe('viewFrame', () => {
  it('views an aligned frame in place and copies a misaligned one', () => {
    const bytes = Buffer.alloc(17);
    const aligned = viewFrame(bytes.subarray(0, 16), 'f32');
    expect(aligned.buffer).toBe(bytes.buffer);
    const odd = viewFrame(bytes.subarray(1, 17), 'i32');
    expect(odd.buffer).not.toBe(bytes.buffer);
    expect(odd.length).toBe(4);
  });
});
