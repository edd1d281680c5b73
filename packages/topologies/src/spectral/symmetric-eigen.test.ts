import { Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { symmetricEigenvalues, tridiagonalEigenvalues } from './symmetric-eigen.js';

/** Q D Qᵀ with Q a product of two Householder reflections: known eigenvalues D, full dense matrix. */
function withKnownSpectrum(d: number[], rng: Rng): Float64Array {
  const n = d.length;
  let a = new Float64Array(n * n);
  d.forEach((x, i) => {
    a[i * n + i] = x;
  });
  for (let r = 0; r < 2; r++) {
    const u = new Float64Array(n);
    rng.fillNormal(u);
    const norm = Math.hypot(...u);
    for (let i = 0; i < n; i++) u[i] /= norm;
    // a ← H a H with H = I − 2uuᵀ.
    const h = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) h[i * n + j] = (i === j ? 1 : 0) - 2 * u[i] * u[j];
    const mul = (x: Float64Array, y: Float64Array) => {
      const out = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) out[i * n + j] += x[i * n + k] * y[k * n + j];
      return out;
    };
    a = mul(mul(h, a), h);
  }
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++) a[i * n + j] = a[j * n + i] = (a[i * n + j] + a[j * n + i]) / 2;
  return a;
}

describe('symmetric eigenvalues', () => {
  it('recovers a planted spectrum, with repeated and negative eigenvalues, to 1e-13', () => {
    const d = [3, -2, 0.5, 0.5, 0.5, 1e-3, -1, 2.25, 0, -0.75, 1.5, 0.5];
    const eig = symmetricEigenvalues(withKnownSpectrum(d, Rng.fromSeed(21)), d.length);
    const want = [...d].sort((x, y) => x - y);
    eig.forEach((x, k) => {
      expect(Math.abs(x - want[k])).toBeLessThan(1e-13);
    });
  });

  it('matches the closed form of the 1-D Laplacian tridiagonal matrix 2 − 2cos(kπ/(m+1))', () => {
    const m = 50;
    const eig = tridiagonalEigenvalues({ diag: new Float64Array(m).fill(2), off: new Float64Array(m - 1).fill(-1) });
    for (let k = 1; k <= m; k++)
      expect(Math.abs(eig[k - 1] - (2 - 2 * Math.cos((k * Math.PI) / (m + 1))))).toBeLessThan(1e-13);
  });

  it('handles 1 × 1 and 2 × 2 matrices and an already diagonal matrix', () => {
    expect(Array.from(symmetricEigenvalues(Float64Array.of(4), 1))).toEqual([4]);
    const two = symmetricEigenvalues(Float64Array.of(2, 1, 1, 2), 2);
    expect(two[0]).toBeCloseTo(1, 14);
    expect(two[1]).toBeCloseTo(3, 14);
    const diag = symmetricEigenvalues(Float64Array.of(5, 0, 0, 0, -1, 0, 0, 0, 2), 3);
    expect(Array.from(diag).map((x) => Number(x.toFixed(12)))).toEqual([-1, 2, 5]);
  });
});
