import { errors, type Rng } from '@starling/core';
import { applyCsr, applyCsrTransposed, type MixingMatrix, toCsr, toDense } from '../mixing/mixing-matrix.js';
import { describeAsymmetry, firstAsymmetry } from '../mixing/validate.js';
import { lanczosExtremes } from './lanczos.js';
import { symmetricEigenvalues } from './symmetric-eigen.js';

/** How to compute |λ₂|: `exact` (dense eigen-solver), `iterative` (Lanczos) or `auto` (by size). */
export type SpectralMethod = 'auto' | 'exact' | 'iterative';

/** `auto` uses the dense solver up to this many nodes and Lanczos above. */
export const EXACT_MAX_NODES = 512;
/** The dense solver refuses more nodes than this (n² float64 memory and O(n³) time). */
export const EXACT_HARD_LIMIT = 2048;

/** Options of the |λ₂| computations. */
export interface SpectralOptions {
  readonly method?: SpectralMethod;
  /** Lanczos iteration cap (default 1000). */
  readonly maxIter?: number;
  /** Lanczos residual tolerance (default 1e-10). */
  readonly tol?: number;
  /** Lanczos start-vector stream (default: fixed, reproducible). */
  readonly rng?: Rng;
}

/** |λ₂| with how it was obtained. */
export interface Lambda2Result {
  /** The second largest eigenvalue magnitude (or second singular value for products). */
  readonly lambda2: number;
  /** 1 − lambda2. */
  readonly spectralGap: number;
  readonly method: 'exact' | 'iterative';
  /** Always true for `exact`; for `iterative`, whether the Ritz residual met the tolerance. */
  readonly converged: boolean;
  /** Lanczos iterations (0 for exact). */
  readonly iterations: number;
  /** Lanczos Ritz residual (0 for exact). */
  readonly residual: number;
}

function resolve(method: SpectralMethod | undefined, n: number): 'exact' | 'iterative' {
  const m = method ?? 'auto';
  if (m === 'auto') return n <= EXACT_MAX_NODES ? 'exact' : 'iterative';
  if (m === 'exact' && n > EXACT_HARD_LIMIT) {
    throw errors.option('topology.method', `iterative (or auto) above ${EXACT_HARD_LIMIT} nodes, n = ${n}`, m);
  }
  if (m !== 'exact' && m !== 'iterative')
    throw errors.unknownKind('topology.method', String(m), ['auto', 'exact', 'iterative']);
  return m;
}

function requireSymmetric(w: MixingMatrix): void {
  const pair = firstAsymmetry(w);
  if (pair !== undefined) {
    const what = 'symmetric for |lambda_2| (use productLambda2 for the second singular value)';
    throw errors.option('topology.weights', what, describeAsymmetry(w, pair));
  }
}

/** All eigenvalues of a symmetric W, ascending (dense; n ≤ EXACT_HARD_LIMIT). */
export function mixingEigenvalues(w: MixingMatrix): Float64Array {
  requireSymmetric(w);
  resolve('exact', w.n);
  return symmetricEigenvalues(toDense(w), w.n);
}

/**
 * |λ₂(W)| = the largest |λ| over W's eigenvalues once one eigenvalue 1 (the all-ones vector) is
 * removed, and the spectral gap 1 − |λ₂|, for a symmetric doubly stochastic W. Gossip contracts the
 * disagreement ‖x − x̄1‖ by at least |λ₂| per step (Xiao & Boyd 2004). A disconnected W has |λ₂| = 1.
 * Exact: dense eigenvalues; iterative: Lanczos on W restricted to 1^⊥ using the sparse rows.
 */
export function mixingLambda2(w: MixingMatrix, options: SpectralOptions = {}): Lambda2Result {
  requireSymmetric(w);
  const method = resolve(options.method, w.n);
  if (method === 'exact') {
    const eig = symmetricEigenvalues(toDense(w), w.n);
    let closest = 0;
    for (let k = 1; k < eig.length; k++) if (Math.abs(eig[k] - 1) < Math.abs(eig[closest] - 1)) closest = k;
    let lambda2 = 0;
    for (let k = 0; k < eig.length; k++) if (k !== closest) lambda2 = Math.max(lambda2, Math.abs(eig[k]));
    return { lambda2, spectralGap: 1 - lambda2, method, converged: true, iterations: 0, residual: 0 };
  }
  const csr = toCsr(w);
  const r = lanczosExtremes((x, out) => applyCsr(csr, x, out), w.n, options);
  const lambda2 = Math.max(Math.abs(r.max), Math.abs(r.min));
  return { lambda2, spectralGap: 1 - lambda2, method, ...pick(r) };
}

const pick = (r: { converged: boolean; iterations: number; residual: number }) => ({
  converged: r.converged,
  iterations: r.iterations,
  residual: r.residual,
});

/** The dense product M = W_{m−1} ⋯ W_1 W_0 (row-major), i.e. x_m = M x_0 after the m steps in order. */
export function denseProduct(matrices: readonly MixingMatrix[], n = matrices[0]?.n ?? 0): Float64Array {
  let m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  for (const w of matrices) {
    if (w.n !== n) throw errors.shape('schedule matrix size', n, w.n);
    const csr = toCsr(w);
    const next = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let k = csr.rowStart[i]; k < csr.rowStart[i + 1]; k++) {
        const a = csr.values[k];
        const src = csr.cols[k] * n;
        for (let j = 0; j < n; j++) next[i * n + j] += a * m[src + j];
      }
    }
    m = next;
  }
  return m;
}

/**
 * The second singular value of the product M = W_{m−1} ⋯ W_0 of doubly stochastic matrices, computed as
 * σ_max(M − J/n) with J = 11ᵀ: the worst-case contraction of the disagreement over the m steps. For one
 * symmetric W this equals |λ₂(W)|; for the one-peer exponential period with n = 2^τ it is 0 (M = J/n).
 */
export function productLambda2(matrices: readonly MixingMatrix[], options: SpectralOptions = {}): Lambda2Result {
  if (matrices.length === 0) throw errors.option('topology.steps', 'at least 1', 0);
  const n = matrices[0].n;
  const method = resolve(options.method, n);
  if (method === 'exact') {
    const b = denseProduct(matrices, n);
    for (let k = 0; k < b.length; k++) b[k] -= 1 / n;
    const gram = new Float64Array(n * n); // BᵀB
    for (let r = 0; r < n; r++) {
      for (let i = 0; i < n; i++) {
        const bri = b[r * n + i];
        if (bri !== 0) for (let j = 0; j < n; j++) gram[i * n + j] += bri * b[r * n + j];
      }
    }
    const eig = symmetricEigenvalues(gram, n);
    const lambda2 = Math.sqrt(Math.max(0, eig[n - 1]));
    return { lambda2, spectralGap: 1 - lambda2, method, converged: true, iterations: 0, residual: 0 };
  }
  const csrs = matrices.map(toCsr);
  let a = new Float64Array(n);
  let b = new Float64Array(n);
  const apply = (x: Float64Array, out: Float64Array) => {
    a.set(x);
    for (const c of csrs) {
      applyCsr(c, a, b);
      [a, b] = [b, a];
    }
    for (let k = csrs.length - 1; k >= 0; k--) {
      applyCsrTransposed(csrs[k], a, b);
      [a, b] = [b, a];
    }
    out.set(a);
  };
  const r = lanczosExtremes(apply, n, { ...options, which: 'max' });
  const lambda2 = Math.sqrt(Math.max(0, r.max));
  return { lambda2, spectralGap: 1 - lambda2, method, ...pick(r) };
}
