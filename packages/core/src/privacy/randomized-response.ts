import { errors } from '../errors.js';
import type { Rng } from '../rng/rng.js';

function checkEpsilon(epsilon: number): void {
  if (!(epsilon > 0 && Number.isFinite(epsilon))) throw errors.option('epsilon', 'a finite number > 0', epsilon);
}

function checkK(k: number): void {
  if (!(Number.isSafeInteger(k) && k >= 2)) throw errors.option('k', 'an integer >= 2', k);
}

/**
 * The probability that k-ary randomized response reports the true value, e^ε/(e^ε + k − 1); each of the
 * k − 1 other values is reported with probability 1/(e^ε + k − 1). For k = 2 this is Warner's (1965)
 * randomized response with truth probability e^ε/(1 + e^ε) (ε = ln 3 for "answer truthfully with
 * probability 3/4").
 */
export function randomizedResponseTruthProbability(epsilon: number, k = 2): number {
  checkEpsilon(epsilon);
  checkK(k);
  // 1/(1 + (k − 1)e^{−ε}) stays finite for large ε.
  return 1 / (1 + (k - 1) * Math.exp(-epsilon));
}

/**
 * Binary randomized response (Warner 1965, "Randomized response: a survey technique for eliminating
 * evasive answer bias"): reports `value` with probability e^ε/(1 + e^ε), its negation otherwise.
 * ε-locally-DP. Draws one uniform from `rng`.
 */
export function randomizedResponse(value: boolean, epsilon: number, rng: Rng): boolean {
  const p = randomizedResponseTruthProbability(epsilon, 2);
  return rng.uniform() < p ? value : !value;
}

/**
 * The unbiased estimate of the true fraction π of `true` answers from binary randomized-response
 * reports: π̂ = (ȳ − (1 − p))/(2p − 1) with ȳ the fraction of reported `true`s and p the truth
 * probability. May fall outside [0, 1] (it is unbiased, not clamped); its variance is
 * ȳ(1 − ȳ)/(n(2p − 1)²) in expectation.
 * @param reports booleans, or 0/1 numbers
 */
export function estimateBinaryFrequency(reports: ArrayLike<boolean | number>, epsilon: number): number {
  const p = randomizedResponseTruthProbability(epsilon, 2);
  if (reports.length === 0) throw errors.option('reports', 'a non-empty list', 0);
  let ones = 0;
  for (let i = 0; i < reports.length; i++) if (reports[i]) ones++;
  return (ones / reports.length - (1 - p)) / (2 * p - 1);
}

/**
 * k-ary randomized response (generalized randomized response, Kairouz, Oh, Viswanath 2014/2016,
 * "Extremal mechanisms for local differential privacy"): reports the true category in [0, k) with
 * probability e^ε/(e^ε + k − 1) and each other category with probability 1/(e^ε + k − 1). ε-locally-DP.
 */
export function kAryRandomizedResponse(value: number, k: number, epsilon: number, rng: Rng): number {
  const p = randomizedResponseTruthProbability(epsilon, k);
  if (!(Number.isInteger(value) && value >= 0 && value < k))
    throw errors.option('value', `an integer in [0, ${k})`, value);
  if (rng.uniform() < p) return value;
  const other = rng.int(k - 1); // uniform over the k − 1 categories that are not `value`
  return other >= value ? other + 1 : other;
}

/**
 * Unbiased estimates of the true frequency of each of the k categories from k-ary randomized-response
 * reports: f̂_v = (c_v/n − r)/(p − r), with c_v the count of reports equal to v, p the truth probability
 * and r = 1/(e^ε + k − 1) the probability of reporting any given other category. The estimates sum
 * to 1 but may be negative (unbiased, not projected onto the simplex).
 * @returns a new Float64Array of length k
 */
export function estimateKAryFrequencies(reports: ArrayLike<number>, k: number, epsilon: number): Float64Array {
  const p = randomizedResponseTruthProbability(epsilon, k);
  if (reports.length === 0) throw errors.option('reports', 'a non-empty list', 0);
  const r = (1 - p) / (k - 1);
  const counts = new Float64Array(k);
  for (let i = 0; i < reports.length; i++) {
    const v = reports[i];
    if (!(Number.isInteger(v) && v >= 0 && v < k)) throw errors.option(`reports[${i}]`, `an integer in [0, ${k})`, v);
    counts[v]++;
  }
  for (let v = 0; v < k; v++) counts[v] = (counts[v] / reports.length - r) / (p - r);
  return counts;
}
