import { Rng } from '@starling/core';
import { type Tridiagonal, tridiagonalEigenvalue } from './symmetric-eigen.js';

/** A symmetric linear operator: writes A·x into `out` (no aliasing). */
export type SymmetricOperator = (x: Float64Array, out: Float64Array) => void;

/** Options of {@link lanczosExtremes}. */
export interface LanczosOptions {
  /** Work in the complement of the all-ones vector (for W with W1 = 1: deflates λ = 1). Default true. */
  readonly deflateOnes?: boolean;
  /** Iteration cap (default 1000). */
  readonly maxIter?: number;
  /** Stop when the wanted extreme Ritz residuals are below this (default 1e-10). */
  readonly tol?: number;
  /** Which ends must converge: `both` (default) or only the `max`. */
  readonly which?: 'both' | 'max';
  /** Source of the start vector (default: a fixed internal seed, so results are reproducible). */
  readonly rng?: Rng;
}

/** The extreme Ritz values found by {@link lanczosExtremes}. */
export interface LanczosResult {
  /** Largest Ritz value: a lower bound on the largest eigenvalue, equal to it once converged. */
  readonly max: number;
  /** Smallest Ritz value: an upper bound on the smallest eigenvalue, equal to it once converged. */
  readonly min: number;
  readonly iterations: number;
  /** ‖A y − θ y‖ of the wanted Ritz pairs (the larger of the two for `both`): an eigenvalue of A lies within it of θ. */
  readonly residual: number;
  readonly converged: boolean;
}

/**
 * The largest and smallest eigenvalues of a symmetric operator by the Lanczos iteration (Lanczos 1950;
 * Golub & Van Loan §10.1), without reorthogonalisation: lost orthogonality only adds duplicate ("ghost")
 * copies of converged Ritz values, which leaves the extremes correct (Paige 1976). The all-ones
 * direction is projected out at every step when `deflateOnes` is set. Memory O(n), time O(iterations ×
 * cost of A). Convergence is slow when the spectrum is clustered at its ends (long rings): an
 * unconverged result still brackets the truth from inside, so |λ₂| is underestimated, never over.
 */
export function lanczosExtremes(apply: SymmetricOperator, n: number, options: LanczosOptions = {}): LanczosResult {
  const deflate = options.deflateOnes ?? true;
  const dim = deflate ? n - 1 : n;
  const maxIter = Math.max(1, options.maxIter ?? 1000);
  const tol = options.tol ?? 1e-10;
  if (dim <= 0) return { max: 0, min: 0, iterations: 0, residual: 0, converged: true };
  const rng = options.rng ?? Rng.fromSeed(0x1a2c05).fork('lanczos');
  let q = new Float64Array(n);
  let qPrev = new Float64Array(n);
  let w = new Float64Array(n);
  rng.fillUniform(q, -1, 1);
  if (deflate) project(q);
  scaleTo(q, 1 / norm(q));
  const alpha: number[] = [];
  const beta: number[] = [];
  let opScale = 0;
  let result: LanczosResult = { max: 0, min: 0, iterations: 0, residual: Number.POSITIVE_INFINITY, converged: false };
  for (let j = 0; j < maxIter; j++) {
    apply(q, w);
    if (deflate) project(w);
    let a = 0;
    for (let i = 0; i < n; i++) a += w[i] * q[i];
    const b = j > 0 ? beta[j - 1] : 0;
    for (let i = 0; i < n; i++) w[i] -= a * q[i] + b * qPrev[i];
    // One local reorthogonalisation against q keeps α accurate.
    let c = 0;
    for (let i = 0; i < n; i++) c += w[i] * q[i];
    for (let i = 0; i < n; i++) w[i] -= c * q[i];
    alpha.push(a + c);
    const bNext = norm(w);
    beta.push(bNext);
    opScale = Math.max(opScale, Math.abs(a + c), bNext);
    const breakdown = bNext <= 1e-13 * opScale;
    if (breakdown || (j + 1) % 10 === 0 || j + 1 === maxIter) {
      result = ritzExtremes(alpha, beta, breakdown ? 0 : bNext, j + 1, options.which ?? 'both');
      if (breakdown || result.residual <= tol)
        return { ...result, residual: breakdown ? 0 : result.residual, converged: true };
    }
    [qPrev, q, w] = [q, w, qPrev];
    scaleTo(q, 1 / bNext);
  }
  return result;
}

function ritzExtremes(
  alpha: number[],
  beta: number[],
  lastBeta: number,
  m: number,
  which: 'both' | 'max',
): LanczosResult {
  const t: Tridiagonal = { diag: Float64Array.from(alpha), off: Float64Array.from(beta.slice(0, m - 1)) };
  const max = tridiagonalEigenvalue(t, m - 1);
  const min = tridiagonalEigenvalue(t, 0);
  const scale = Math.max(Math.abs(max), Math.abs(min), 1e-300);
  const rMax = lastBeta * lastComponent(t, max, 1, scale);
  const residual = which === 'max' ? rMax : Math.max(rMax, lastBeta * lastComponent(t, min, -1, scale));
  return { max, min, iterations: m, residual, converged: false };
}

/**
 * |y_m| for the unit eigenvector y of T at its extreme eigenvalue θ, by three steps of inverse iteration
 * with a shift just outside the spectrum (side +1 above the max, −1 below the min), where T − σI is
 * definite and the Thomas algorithm needs no pivoting.
 */
function lastComponent(t: Tridiagonal, theta: number, side: 1 | -1, scale: number): number {
  const m = t.diag.length;
  const sigma = theta + side * 1e-13 * scale;
  let y = new Float64Array(m).fill(1);
  const c = new Float64Array(m);
  const r = new Float64Array(m);
  for (let pass = 0; pass < 3; pass++) {
    for (let i = 0; i < m; i++) {
      const sub = i > 0 ? t.off[i - 1] : 0;
      const denom = t.diag[i] - sigma - (i > 0 ? sub * c[i - 1] : 0);
      c[i] = i < m - 1 ? t.off[i] / denom : 0;
      r[i] = (y[i] - (i > 0 ? sub * r[i - 1] : 0)) / denom;
    }
    const next = new Float64Array(m);
    next[m - 1] = r[m - 1];
    for (let i = m - 2; i >= 0; i--) next[i] = r[i] - c[i] * next[i + 1];
    y = next;
    scaleTo(y, 1 / norm(y));
  }
  return Math.abs(y[m - 1]);
}

function norm(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s);
}

function scaleTo(x: Float64Array, factor: number): void {
  for (let i = 0; i < x.length; i++) x[i] *= factor;
}

function project(x: Float64Array): void {
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i];
  mean /= x.length;
  for (let i = 0; i < x.length; i++) x[i] -= mean;
}
