import { coordinateMedian, trimmedMean } from './coordinate-select.js';
import { pairwiseSquaredDistances } from './pairwise-distances.js';

/**
 * The hot loops of the Byzantine-robust aggregators: per-coordinate selection over n updates (the
 * coordinate-wise median and trimmed mean of Yin et al. 2018) and the pairwise squared distances of Krum
 * (Blanchard et al. 2017). `jsRobustKernels` (the functions of `coordinate-select.ts` and
 * `pairwise-distances.ts`) is the specification; `@starling/native` implements the same interface in C++
 * and must give the same bits for every input, including ±0, subnormals and ties.
 *
 * Order: each coordinate's n values are ordered by IEEE 754 totalOrder (numeric order with −0 before +0,
 * the order of `Float32Array.prototype.sort`), so the selected value's bits do not depend on the
 * algorithm that selects it. Inputs must be finite: NaN and ±Inf never reach these kernels (the round
 * machine screens updates first); what a kernel does with them is unspecified.
 *
 * Shapes: n = `vectors.length` ≥ 1, every vector has the same length d (`out.length` for the selections);
 * `out` must not share memory with any input. Both backends throw an `internal` StarlingError naming the
 * argument on a wrong shape. Reach the kernels as `robustKernelsOf(kernels)`.
 */
export interface RobustKernels {
  /** `'js'` or `'native'`. */
  readonly backend: 'js' | 'native';
  /**
   * out[i] = median_k vectors[k][i]. n odd: the middle value; n even: fround((lo + hi) / 2) computed in
   * float64 from the two middle values. n ≥ 1. See `coordinateMedian`.
   */
  coordinateMedian(vectors: readonly Float32Array[], out: Float32Array): void;
  /**
   * out[i] = fround(Σ of the n − 2·trim middle values of coordinate i, sorted ascending, summed in float64 in
   * ascending order starting from the smallest kept value, / (n − 2·trim)). Integer trim, 0 ≤ 2·trim < n.
   * See `trimmedMean`.
   */
  trimmedMean(vectors: readonly Float32Array[], trim: number, out: Float32Array): void;
  /**
   * out[i·n + j] = Σ_c (v_i[c] − v_j[c])², differences and squares in float64, summed in 8 lanes like
   * `sumSquares8` (lane c mod 8 in index order, lanes combined ((0+1)+(2+3))+((4+5)+(6+7))); symmetric with a
   * zero diagonal; out.length ≥ n². See `pairwiseSquaredDistances`.
   */
  pairwiseSquaredDistances(vectors: readonly Float32Array[], out: Float64Array): void;
}

/** The TypeScript reference of {@link RobustKernels}: the specification the native kernels must match bit for bit. */
export const jsRobustKernels: RobustKernels = {
  backend: 'js',
  coordinateMedian,
  trimmedMean,
  pairwiseSquaredDistances,
};

/** The robust kernels of `kernels` (its `robust` member), or the TypeScript reference. */
export function robustKernelsOf(kernels?: { readonly robust?: RobustKernels }): RobustKernels {
  return kernels?.robust ?? jsRobustKernels;
}
