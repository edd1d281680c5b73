import { describe, expect, it } from 'vitest';
import { firstNonFinite } from '../kernels/non-finite.js';
import { Rng } from '../rng/rng.js';
import { jsCompressKernels } from './compress-kernels.js';
import { sumSquares8 } from './qsgd-kernels.js';
import { packSigns } from './sign-kernels.js';

/** The 8-lane float64 sum written plainly: lane i mod 8, then ((0+1)+(2+3))+((4+5)+(6+7)). */
function laneSum(terms: ArrayLike<number>): number {
  const lane = new Float64Array(8);
  for (let i = 0; i < terms.length; i++) lane[i % 8] += terms[i];
  return lane[0] + lane[1] + (lane[2] + lane[3]) + (lane[4] + lane[5] + (lane[6] + lane[7]));
}

function sample(d: number, seed: number): Float32Array {
  const x = new Float32Array(d);
  const rng = Rng.fromSeed(seed);
  // Magnitudes over many decades, so a different summation order would change low bits.
  for (let i = 0; i < d; i++) x[i] = rng.normal() * 10 ** rng.int(9);
  return x;
}

describe('compress kernels (JS reference)', () => {
  it.each([0, 1, 7, 8, 9, 17, 1000, 4099])('sums squares and |x| in 8 lanes for d = %i', (d) => {
    const x = sample(d, d + 1);
    expect(sumSquares8(x)).toBe(laneSum(Array.from(x, (v) => v * v)));
    const bytes = new Uint8Array(Math.ceil(d / 8));
    expect(packSigns(x, bytes, 0)).toBe(laneSum(Array.from(x, Math.abs)));
  });

  it('the lane order gives other bits than a sequential sum (so the tests above can fail)', () => {
    const x = sample(1000, 1001);
    let sequential = 0;
    for (const v of x) sequential += v * v;
    expect(sumSquares8(x)).not.toBe(sequential);
    expect(Math.abs(sumSquares8(x) - sequential)).toBeLessThan(1e-14 * sequential);
  });

  it('finds the first non-finite entry', () => {
    expect(firstNonFinite(Float32Array.of(1, -2, 3))).toBe(-1);
    expect(firstNonFinite(Float32Array.of(1, Number.NaN, Number.POSITIVE_INFINITY))).toBe(1);
    expect(firstNonFinite(Float32Array.of(3.4e38, Number.NEGATIVE_INFINITY))).toBe(1);
    expect(firstNonFinite(new Float32Array(0))).toBe(-1);
  });

  it('exposes the reference functions under the backend name js', () => {
    expect(jsCompressKernels.backend).toBe('js');
    expect(jsCompressKernels.sumSquares8).toBe(sumSquares8);
  });
});
