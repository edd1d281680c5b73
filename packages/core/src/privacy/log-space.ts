/**
 * Arithmetic on numbers stored as their logarithms, so that sums of terms like e^{800} or e^{−800} stay
 * finite. −∞ stands for zero.
 */

/** log(e^a + e^b), exact for −∞ arguments and free of overflow. */
export function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  const hi = a > b ? a : b;
  const lo = a > b ? b : a;
  return hi + Math.log1p(Math.exp(lo - hi));
}

/**
 * log(e^a − e^b) for a ≥ b; −∞ when a = b. Returns NaN when a < b (the difference would be negative),
 * so that a caller's invariant failure cannot pass as a number.
 */
export function logSubExp(a: number, b: number): number {
  if (b === Number.NEGATIVE_INFINITY) return a;
  if (a < b) return Number.NaN;
  if (a === b) return Number.NEGATIVE_INFINITY;
  const d = b - a;
  // log1p(−e^d) loses accuracy when e^d is near 1; log(−expm1(d)) does not.
  return a + (d > -Math.LN2 ? Math.log(-Math.expm1(d)) : Math.log1p(-Math.exp(d)));
}

/** log Σ e^{x_i} over `values`, by shifting by the maximum; −∞ for an empty list. */
export function logSumExp(values: ArrayLike<number>): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  if (max === Number.NEGATIVE_INFINITY || max === Number.POSITIVE_INFINITY) return max;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.exp(values[i] - max);
  return max + Math.log(sum);
}
