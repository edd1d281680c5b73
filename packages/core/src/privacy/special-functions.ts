/**
 * The error function family in float64, accurate to about 1e-15 relative, with a logarithmic form that
 * never underflows. JavaScript has no `erf`; the accountant and the analytic Gaussian need the far tails.
 */

const SQRT_PI = Math.sqrt(Math.PI);
const LOG_SQRT_PI = 0.5 * Math.log(Math.PI);
/** Below this argument the power series is used, above it the continued fraction. */
const SERIES_LIMIT = 1;
const MAX_TERMS = 5000;

/**
 * erf(x) for 0 ≤ x < SERIES_LIMIT by the all-positive series
 * erf(x) = (2/√π)·e^{−x²}·Σ_n (2x²)^n·x / (1·3·…·(2n+1)), which has no cancellation.
 */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < MAX_TERMS; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return (2 / SQRT_PI) * Math.exp(-x2) * sum;
}

/**
 * The continued fraction erfc(x)·√π·e^{x²} = 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) for x ≥ SERIES_LIMIT,
 * evaluated with the modified Lentz algorithm (Numerical Recipes §5.2).
 */
function erfcxFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < MAX_TERMS; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / f;
}

/** e^{−x²} with x² split as xh² + (x − xh)(x + xh), so that rounding x² does not cost 1e-13 at x ≈ 25. */
function expMinusSquare(x: number): number {
  const xh = Math.round(x * 16) / 16;
  return Math.exp(-xh * xh) * Math.exp(-(x - xh) * (x + xh));
}

/** The complementary error function erfc(x) = 1 − erf(x), for every real x (0 beyond x ≈ 27.3). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < SERIES_LIMIT) return 1 - erfSeries(x);
  // erfc(27.3) is below the smallest subnormal; past it the split exponent could reach e^{+∞}·0.
  if (x > 27.5) return 0;
  return (expMinusSquare(x) * erfcxFraction(x)) / SQRT_PI;
}

/** The error function erf(x), for every real x. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return -erf(-x);
  if (x < SERIES_LIMIT) return erfSeries(x);
  return 1 - erfc(x);
}

/**
 * log(erfc(x)) without underflow: finite for every finite x (about −x² for large x), and
 * −∞ only at x = +∞.
 */
export function logErfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return Math.log(erfc(x));
  if (x < SERIES_LIMIT) return Math.log1p(-erfSeries(x));
  if (x === Number.POSITIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  return -x * x - LOG_SQRT_PI + Math.log(erfcxFraction(x));
}

/** The standard normal distribution function Φ(x) = P(Z ≤ x). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** log Φ(x) for the standard normal, finite far into the lower tail. */
export function logNormalCdf(x: number): number {
  return Math.log(0.5) + logErfc(-x / Math.SQRT2);
}
