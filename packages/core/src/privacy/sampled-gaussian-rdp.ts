import { errors } from '../errors.js';
import { logAddExp, logSubExp, logSumExp } from './log-space.js';
import { logErfc } from './special-functions.js';

/**
 * A tail term of the fractional-order series below this fraction of the running sum ends the series.
 * Past i > α the series alternates with shrinking terms, so the truncation error is below one such term
 * (usually well below, after the half-term correction at the end of the loop). e^{-37} would cost 4.5×.
 */
const LOG_TOLERANCE = -30; // e^{-30} ≈ 9.4e-14
const MAX_TERMS = 1_000_000;

/** log(e^x − 1) for x > 0, without cancellation near 0 or overflow for large x. */
function logExpm1(x: number): number {
  return x > 30 ? x + Math.log1p(-Math.exp(-x)) : Math.log(Math.expm1(x));
}

/**
 * log A_α for integer α by the exact binomial expansion
 * A_α = Σ_{k=0}^{α} C(α,k)·(1−q)^{α−k}·q^k·exp((k² − k)/(2σ²)). Since the binomial weights sum to 1,
 * A_α − 1 = Σ_{k≥2} C(α,k)·(1−q)^{α−k}·q^k·(exp((k² − k)/(2σ²)) − 1), a sum of positive terms that
 * keeps full relative accuracy even when A_α − 1 is far below 1e-16 (tiny q, large σ).
 */
function logAIntegerOrder(q: number, sigma: number, alpha: number): number {
  const logQ = Math.log(q);
  const log1mQ = Math.log1p(-q);
  const terms = new Float64Array(alpha - 1);
  let logBinomial = Math.log(alpha) + Math.log(alpha - 1) - Math.LN2; // log C(α, 2)
  for (let k = 2; k <= alpha; k++) {
    terms[k - 2] = logBinomial + k * logQ + (alpha - k) * log1mQ + logExpm1((k * k - k) / (2 * sigma * sigma));
    logBinomial += Math.log(alpha - k) - Math.log(k + 1); // C(α, k+1) = C(α, k)·(α − k)/(k + 1)
  }
  return logAddExp(0, logSumExp(terms)); // log(1 + (A_α − 1))
}

/**
 * log A_α for fractional α by the two series of Mironov, Talwar and Zhang (2019, §3.3). With
 * z0 = σ²·log((1−q)/q) + 1/2 the point where (1−q) = q·exp((2z−1)/(2σ²)), A_α is split into the
 * integrals over z ≤ z0 and z > z0, and the binomial series of (1−q + q·e^{(2z−1)/(2σ²)})^α is expanded
 * around its larger part in each, giving for i = 0, 1, 2, … (with j = α − i)
 *   s0_i = C(α,i)·q^i·(1−q)^j·exp((i² − i)/(2σ²))·½·erfc((i − z0)/(√2σ)),
 *   s1_i = C(α,i)·q^j·(1−q)^i·exp((j² − j)/(2σ²))·½·erfc((z0 − j)/(√2σ)).
 * The generalized binomial C(α,i) turns negative for odd i − ⌈α⌉ > 0, so positive and negative terms are
 * summed separately in log space and subtracted once at the end.
 */
function logAFractionalOrder(q: number, sigma: number, alpha: number): number {
  const logQ = Math.log(q);
  const log1mQ = Math.log1p(-q);
  const twoSigma2 = 2 * sigma * sigma;
  const sqrt2Sigma = Math.SQRT2 * sigma;
  const z0 = sigma * sigma * (log1mQ - logQ) + 0.5;
  let positive = Number.NEGATIVE_INFINITY;
  let negative = Number.NEGATIVE_INFINITY;
  let logBinomial = 0; // log |C(α, i)|
  let sign = 1;
  for (let i = 0; i < MAX_TERMS; i++) {
    const j = alpha - i;
    const s0 =
      logBinomial + i * logQ + j * log1mQ + (i * i - i) / twoSigma2 - Math.LN2 + logErfc((i - z0) / sqrt2Sigma);
    const s1 =
      logBinomial + j * logQ + i * log1mQ + (j * j - j) / twoSigma2 - Math.LN2 + logErfc((z0 - j) / sqrt2Sigma);
    const term = logAddExp(s0, s1);
    if (Number.isNaN(term)) {
      throw errors.runtime(`sampledGaussianRdp: series term ${i} is NaN at q=${q}, sigma=${sigma}, order=${alpha}`);
    }
    if (sign > 0) positive = logAddExp(positive, term);
    else negative = logAddExp(negative, term);
    if (i > alpha && term < positive + LOG_TOLERANCE) {
      // The limit of an alternating series with smoothly shrinking terms lies close to the mean of the
      // last two partial sums: take back half of the last term.
      if (sign > 0) negative = logAddExp(negative, term - Math.LN2);
      else positive = logAddExp(positive, term - Math.LN2);
      break;
    }
    const factor = alpha - i; // C(α, i+1) = C(α, i)·(α − i)/(i + 1)
    if (factor < 0) sign = -sign;
    logBinomial += Math.log(Math.abs(factor)) - Math.log(i + 1);
  }
  return logSubExp(positive, negative);
}

/**
 * The Rényi differential privacy of one step of the Poisson-subsampled Gaussian mechanism: each record
 * is included independently with probability q, and Gaussian noise with standard deviation σ times the
 * L2 sensitivity is added to the sum. Returns ε(α) = log(A_α)/(α − 1) in nats, where A_α is the α-th
 * moment of the likelihood ratio between N(0,σ²) mixed with N(1,σ²) at weight q and N(0,σ²)
 * (Mironov, Talwar, Zhang 2019, "Rényi Differential Privacy of the Sampled Gaussian Mechanism").
 *
 * Exact binomial expansion for integer α (full relative accuracy), the two-series expansion for
 * fractional α (absolute error below about 9.4e-14/(α − 1), see docs/privacy.md), both in log space.
 * q = 0 gives 0 and q = 1 gives α/(2σ²) (the plain Gaussian mechanism); σ = 0 with q > 0 gives +∞.
 * @param sampleRate q in [0, 1], the Poisson inclusion probability of each record
 * @param noiseMultiplier σ ≥ 0, the noise standard deviation divided by the sensitivity (not a variance)
 * @param order α > 1, finite
 */
export function sampledGaussianRdp(sampleRate: number, noiseMultiplier: number, order: number): number {
  if (!(sampleRate >= 0 && sampleRate <= 1)) throw errors.option('sampleRate', 'in [0, 1]', sampleRate);
  if (!(noiseMultiplier >= 0)) throw errors.option('noiseMultiplier', 'a non-negative number', noiseMultiplier);
  if (!(order > 1 && Number.isFinite(order))) throw errors.option('order', 'a finite number > 1', order);
  if (sampleRate === 0 || noiseMultiplier === Number.POSITIVE_INFINITY) return 0;
  if (noiseMultiplier === 0) return Number.POSITIVE_INFINITY;
  if (sampleRate === 1) return order / (2 * noiseMultiplier * noiseMultiplier);
  const logA = Number.isInteger(order)
    ? logAIntegerOrder(sampleRate, noiseMultiplier, order)
    : logAFractionalOrder(sampleRate, noiseMultiplier, order);
  // A_α ≥ 1 in exact arithmetic; rounding may leave log A a hair below 0.
  return Math.max(0, logA / (order - 1));
}

/** One run of identical steps of the Poisson-subsampled Gaussian mechanism. */
export interface SampledGaussianSteps {
  /** σ, the noise standard deviation divided by the L2 sensitivity (clipping norm). */
  readonly noiseMultiplier: number;
  /** q in [0, 1], the Poisson inclusion probability of each record (or client). */
  readonly sampleRate: number;
  /** How many steps; a non-negative integer, 1 when omitted. */
  readonly steps?: number;
}

/**
 * The RDP of `steps` compositions of the Poisson-subsampled Gaussian mechanism at each of `orders`:
 * RDP composes additively, so this is steps·ε(α) per order (Mironov 2017, Proposition 1).
 * @returns a new array with one entry per order, in nats
 */
export function sampledGaussianRdpCurve(orders: readonly number[], run: SampledGaussianSteps): Float64Array {
  const steps = run.steps ?? 1;
  if (!(Number.isSafeInteger(steps) && steps >= 0)) throw errors.option('steps', 'a non-negative integer', steps);
  const out = new Float64Array(orders.length);
  for (let k = 0; k < orders.length; k++) {
    const perStep = sampledGaussianRdp(run.sampleRate, run.noiseMultiplier, orders[k]);
    out[k] = steps === 0 ? 0 : steps * perStep;
  }
  return out;
}
