import { describe, expect, it } from 'vitest';
import { logAddExp, logSubExp, logSumExp } from './log-space.js';

describe('log-space arithmetic', () => {
  it('adds and subtracts like the linear-space operations on moderate values', () => {
    expect(logAddExp(Math.log(3), Math.log(5))).toBeCloseTo(Math.log(8), 15);
    expect(logSubExp(Math.log(8), Math.log(5))).toBeCloseTo(Math.log(3), 15);
    expect(logSumExp([Math.log(1), Math.log(2), Math.log(4)])).toBeCloseTo(Math.log(7), 15);
  });

  it('handles magnitudes that overflow or underflow in linear space', () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logAddExp(-1000, -1000 - Math.log(3))).toBeCloseTo(-1000 + Math.log(4 / 3), 12);
    expect(logSumExp([800, 800, 800])).toBeCloseTo(800 + Math.log(3), 12);
  });

  it('treats −∞ as zero and flags a negative difference with NaN', () => {
    expect(logAddExp(Number.NEGATIVE_INFINITY, 2)).toBe(2);
    expect(logSubExp(2, Number.NEGATIVE_INFINITY)).toBe(2);
    expect(logSubExp(2, 2)).toBe(Number.NEGATIVE_INFINITY);
    expect(logSubExp(1, 2)).toBeNaN();
    expect(logSumExp([])).toBe(Number.NEGATIVE_INFINITY);
  });

  it('keeps relative accuracy for a difference of nearly equal numbers', () => {
    // log(1 − e^{−1e-12}) = log(1e-12) − 5e-13 + O(1e-25); a naive log(1 − exp(…)) is off by 1e-4.
    expect(logSubExp(0, -1e-12)).toBeCloseTo(Math.log(1e-12) - 5e-13, 13);
  });
});
