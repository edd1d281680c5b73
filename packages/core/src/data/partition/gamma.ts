import { errors } from '../../errors.js';
import type { Rng } from '../../rng/rng.js';

/**
 * `log G` for `G ~ Gamma(shape, 1)`, by Marsaglia and Tsang (2000), "A simple method for generating
 * gamma variables", ACM TOMS 26(3). For `shape < 1` it uses their boost
 * `G(a) = G(a + 1) · U^{1/a}`, kept in log space because `U^{1/a}` underflows to 0 for small `a`
 * (a = 0.01 gives values near e^-100).
 */
export function sampleLogGamma(shape: number, rng: Rng): number {
  if (!(shape > 0 && Number.isFinite(shape))) throw errors.option('gamma shape', 'a positive finite number', shape);
  if (shape < 1) {
    const u = 1 - rng.uniform(); // (0, 1]
    return sampleLogGamma(shape + 1, rng) + Math.log(u) / shape;
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return Math.log(d * v);
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return Math.log(d * v);
  }
}

/** A draw from `Gamma(shape, 1)` (mean and variance both `shape`). */
export function sampleGamma(shape: number, rng: Rng): number {
  return Math.exp(sampleLogGamma(shape, rng));
}

/**
 * A draw from the symmetric Dirichlet distribution `Dir(alpha, ..., alpha)` over `k` outcomes, as
 * normalized Gamma(alpha) draws (normalized in log space, so tiny alpha never gives 0/0).
 * @returns `k` non-negative proportions summing to 1 (mean `1/k` each)
 */
export function sampleDirichlet(alpha: number, k: number, rng: Rng): Float64Array {
  const logs = new Float64Array(k);
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < k; i++) {
    logs[i] = sampleLogGamma(alpha, rng);
    if (logs[i] > max) max = logs[i];
  }
  let sum = 0;
  for (let i = 0; i < k; i++) sum += logs[i] = Math.exp(logs[i] - max);
  for (let i = 0; i < k; i++) logs[i] /= sum;
  return logs;
}
