import type { Kernels } from '../kernels/kernels.js';

/**
 * Global-norm gradient clipping (Pascanu et al. 2013): scales `grad` in place by min(1, maxNorm/‖grad‖₂),
 * where the norm runs over the whole flat vector (every tensor of the model at once).
 *
 * Returns the norm before clipping. A zero or non-finite norm leaves `grad` untouched, so a diverged
 * gradient stays visible to the caller instead of turning into zeros.
 * @param maxNorm the threshold c > 0 (validated by the caller)
 */
export function clipGlobalNorm(kernels: Kernels, grad: Float32Array, maxNorm: number): number {
  const norm = Math.sqrt(kernels.sumSquares(grad));
  if (norm > maxNorm && Number.isFinite(norm)) kernels.scale(maxNorm / norm, grad);
  return norm;
}
