import { describe, expect, it } from 'vitest';
import { erf, erfc, logErfc, logNormalCdf, normalCdf } from './special-functions.js';

// Reference values from mpmath 1.3.0 at 40 digits (mpmath.erfc, mpmath.log, mpmath.ncdf), rounded to doubles.
const ERFC: [x: number, erfc: number, logErfc: number][] = [
  [-3, 1.9999779095030015, 0.6931361352504468],
  [-0.5, 1.5204998778130465, 0.41903914777555956],
  [0.001, 0.9988716212090307, -0.0011290158896213548],
  [0.3, 0.6713732405408726, -0.39843005144008525],
  [0.99, 0.1614919304446302, -1.823300103854902],
  [1.0, 0.15729920705028513, -1.8496055099332482],
  [1.7, 0.01620954140922544, -4.122155234243904],
  [4, 1.541725790028002e-8, -17.987778312103007],
  [9.5, 3.7692144856548797e-41, -93.07912219224849],
];

describe('erfc', () => {
  it.each(ERFC)('matches mpmath at x = %f to 1e-14 relative', (x, ref) => {
    expect(Math.abs(erfc(x) - ref) / ref).toBeLessThan(1e-14);
  });

  it('keeps relative accuracy deep in the tail, near the smallest normal double', () => {
    expect(Math.abs(erfc(26) - 5.663192408856143e-296) / 5.663192408856143e-296).toBeLessThan(1e-14);
  });

  it('returns 0 and 2 far in the tails without NaN (x·x rounding once produced 0·∞)', () => {
    for (const x of [27.6, 1000.03, 15536.7240195972, 1e200]) {
      expect(erfc(x)).toBe(0);
      expect(erfc(-x)).toBe(2);
      expect(logErfc(-x)).toBe(Math.LN2);
    }
  });

  it('satisfies erf + erfc = 1 and erf(-x) = -erf(x)', () => {
    for (const x of [0.2, 0.8, 1.3, 2.6]) {
      expect(erf(x) + erfc(x)).toBeCloseTo(1, 15);
      expect(erf(-x)).toBe(-erf(x));
    }
  });
});

describe('logErfc', () => {
  it.each(ERFC)('matches mpmath log(erfc) at x = %f to 1e-14 relative', (x, _ref, logRef) => {
    expect(Math.abs(logErfc(x) - logRef) / Math.abs(logRef)).toBeLessThan(1e-14);
  });

  it('stays finite and accurate where erfc underflows to 0', () => {
    expect(erfc(200)).toBe(0);
    expect(Math.abs(logErfc(200) - -40005.870694809084) / 40005.87).toBeLessThan(1e-15);
    expect(Math.abs(logErfc(1e4) - -100000009.78270532) / 1e8).toBeLessThan(1e-15);
    expect(logErfc(Number.POSITIVE_INFINITY)).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('normal distribution function', () => {
  it('gives Φ(1.959963984540054) = 0.975 and Φ(0) = 1/2', () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 15);
    expect(normalCdf(0)).toBe(0.5);
  });

  it('matches mpmath in the far lower tail, also in log form', () => {
    expect(Math.abs(normalCdf(-10) - 7.619853024160525e-24) / 7.62e-24).toBeLessThan(1e-13);
    expect(Math.abs(logNormalCdf(-40) - -804.6084420137538) / 804.6).toBeLessThan(1e-14);
  });
});
