import { describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng.js';
import { jsConvKernels as K } from './conv-js.js';

/** Σ dy·GroupNorm(x; γ, β) in float64, for finite differences. */
function objective(
  n: number,
  c: number,
  s: number,
  g: number,
  eps: number,
  x: Float64Array,
  gamma: Float64Array,
  beta: Float64Array,
  dy: Float32Array,
): number {
  const per = c / g;
  const m = per * s;
  let total = 0;
  for (let b = 0; b < n; b++)
    for (let gi = 0; gi < g; gi++) {
      const start = (b * c + gi * per) * s;
      let mu = 0;
      for (let t = 0; t < m; t++) mu += x[start + t] / m;
      let v = 0;
      for (let t = 0; t < m; t++) v += (x[start + t] - mu) ** 2 / m;
      for (let t = 0; t < m; t++) {
        const ch = gi * per + Math.floor(t / s);
        total += dy[start + t] * ((gamma[ch] * (x[start + t] - mu)) / Math.sqrt(v + eps) + beta[ch]);
      }
    }
  return total;
}

describe('jsConvKernels group normalization', () => {
  it.each([
    ['groups = 1 (layer norm)', 2, 4, 6, 1],
    ['groups = C (instance norm)', 2, 4, 6, 4],
    ['2 groups of 3 channels, 1×1 spatial', 3, 6, 1, 2],
  ])('forward normalizes each group and backward matches float64 finite differences: %s', (_name, n, c, s, g) => {
    const rng = Rng.fromSeed(6);
    const eps = 1e-5;
    const x = new Float32Array(n * c * s);
    rng.fillNormal(x, 0.5, 2);
    const gamma = new Float32Array(c);
    const beta = new Float32Array(c);
    rng.fillNormal(gamma, 1, 0.3);
    rng.fillNormal(beta, 0, 0.3);
    const y = new Float32Array(x.length);
    const mean = new Float32Array(n * g);
    const rstd = new Float32Array(n * g);
    K.groupNormForward(n, c, s, g, eps, x, gamma, beta, y, mean, rstd);
    // With γ = 1, β = 0 each group has mean 0 and (biased) variance v/(v + eps) ≈ 1.
    const plain = new Float32Array(x.length);
    K.groupNormForward(n, c, s, g, eps, x, new Float32Array(c).fill(1), new Float32Array(c), plain, mean, rstd);
    const m = (c / g) * s;
    for (let start = 0; start < x.length; start += m) {
      const part = plain.subarray(start, start + m);
      const mu = part.reduce((a, v) => a + v, 0) / m;
      const v = part.reduce((a, q) => a + (q - mu) ** 2, 0) / m;
      expect(Math.abs(mu)).toBeLessThan(1e-5);
      if (m > 1) expect(v).toBeCloseTo(1, 3);
    }
    const dy = new Float32Array(x.length);
    rng.fillNormal(dy);
    const dx = new Float32Array(x.length);
    const dgamma = new Float32Array(c);
    const dbeta = new Float32Array(c);
    K.groupNormForward(n, c, s, g, eps, x, gamma, beta, y, mean, rstd);
    K.groupNormBackward(n, c, s, g, x, gamma, mean, rstd, dy, dx, dgamma, dbeta);
    const x64 = Float64Array.from(x);
    const g64 = Float64Array.from(gamma);
    const b64 = Float64Array.from(beta);
    const f = () => objective(n, c, s, g, eps, x64, g64, b64, dy);
    const fd = (arr: Float64Array, i: number) => {
      const h = 1e-6;
      const keep = arr[i];
      arr[i] = keep + h;
      const up = f();
      arr[i] = keep - h;
      const down = f();
      arr[i] = keep;
      return (up - down) / (2 * h);
    };
    for (let i = 0; i < x.length; i++) expect(dx[i]).toBeCloseTo(fd(x64, i), 3);
    for (let i = 0; i < c; i++) {
      expect(dgamma[i]).toBeCloseTo(fd(g64, i), 3);
      expect(dbeta[i]).toBeCloseTo(fd(b64, i), 3);
    }
  });
});
