import { errors } from '../errors.js';
import {
  type EpsilonAtOrder,
  epsilonAtOrder,
  RDP_CONVERSIONS,
  type RdpConversion,
  rdpToEpsilon,
} from './rdp-conversion.js';
import { checkOrders, DEFAULT_RDP_ORDERS } from './rdp-orders.js';
import { sampledGaussianRdpCurve } from './sampled-gaussian-rdp.js';

/** What `calibrateNoiseMultiplier` is asked for. */
export interface CalibrationTarget {
  /** The ε budget to stay within, > 0. */
  readonly targetEpsilon: number;
  /** δ in (0, 1). */
  readonly delta: number;
  /** The Poisson sampling rate q in (0, 1]. */
  readonly sampleRate: number;
  /** The number of steps T, a positive integer. */
  readonly steps: number;
  /** Rényi orders; `DEFAULT_RDP_ORDERS` when omitted. */
  readonly orders?: readonly number[];
  /** RDP to (ε, δ) conversion; `'improved'` when omitted. */
  readonly conversion?: RdpConversion;
}

/** Relative width of the final bracket on σ. */
const SIGMA_TOLERANCE = 1e-10;
const SIGMA_MAX = 2 ** 40;

/** The (ε, order) of T steps of the Poisson-subsampled Gaussian mechanism at noise multiplier σ. */
export function epsilonForNoiseMultiplier(
  noiseMultiplier: number,
  target: Omit<CalibrationTarget, 'targetEpsilon'>,
): EpsilonAtOrder {
  const orders = target.orders ?? DEFAULT_RDP_ORDERS;
  const rdp = sampledGaussianRdpCurve(orders, {
    noiseMultiplier,
    sampleRate: target.sampleRate,
    steps: target.steps,
  });
  return rdpToEpsilon(orders, rdp, target.delta, target.conversion ?? 'improved');
}

/**
 * The ε that an RDP curve of zero would still be charged at δ: min over α of the conversion's δ term.
 * As σ → ∞ the epsilon of any finite number of steps tends to this floor from above, so targets at or
 * below it cannot be calibrated (0.103 at δ = 1e-5 with the default orders and the improved conversion).
 */
export function epsilonFloor(delta: number, orders: readonly number[], conversion: RdpConversion): number {
  let floor = Number.POSITIVE_INFINITY;
  for (const order of orders) floor = Math.min(floor, epsilonAtOrder(0, order, delta, conversion));
  return Math.max(0, floor);
}

/**
 * The smallest noise multiplier σ (noise std / L2 sensitivity) for which T steps of the
 * Poisson-subsampled Gaussian mechanism at rate q are (targetEpsilon, δ)-DP under the RDP accountant.
 * ε(σ) decreases with σ, so σ is bracketed by doubling and then bisected to a relative width of 1e-10;
 * the upper end is returned, so ε(σ) ≤ targetEpsilon always holds (asserted before returning).
 *
 * Throws a `config` error when no σ reaches the target, i.e. when targetEpsilon ≤ `epsilonFloor`.
 */
export function calibrateNoiseMultiplier(target: CalibrationTarget): number {
  const { targetEpsilon, delta, sampleRate, steps } = target;
  if (!(targetEpsilon > 0 && Number.isFinite(targetEpsilon))) {
    throw errors.option('targetEpsilon', 'a finite number > 0', targetEpsilon);
  }
  if (!(delta > 0 && delta < 1)) throw errors.option('delta', 'in (0, 1)', delta);
  if (!(sampleRate > 0 && sampleRate <= 1)) throw errors.option('sampleRate', 'in (0, 1]', sampleRate);
  if (!(Number.isSafeInteger(steps) && steps >= 1)) throw errors.option('steps', 'a positive integer', steps);
  if (target.orders !== undefined) checkOrders(target.orders);
  const conversion = target.conversion ?? 'improved';
  if (!RDP_CONVERSIONS.includes(conversion))
    throw errors.unknownKind('conversion', String(conversion), RDP_CONVERSIONS);

  const floor = epsilonFloor(delta, target.orders ?? DEFAULT_RDP_ORDERS, conversion);
  if (!(targetEpsilon > floor)) {
    throw errors.option(
      'targetEpsilon',
      `above ${floor}, the smallest epsilon certifiable at delta ${delta}`,
      targetEpsilon,
    );
  }
  const eps = (sigma: number) => epsilonForNoiseMultiplier(sigma, target).epsilon;
  let hi = 1;
  while (eps(hi) > targetEpsilon) {
    if (hi >= SIGMA_MAX) {
      throw errors.option('targetEpsilon', `reachable with a noise multiplier below ${SIGMA_MAX}`, targetEpsilon);
    }
    hi *= 2;
  }
  let lo = hi / 2;
  while (lo > 0 && eps(lo) <= targetEpsilon) {
    hi = lo;
    lo /= 2;
  }
  while (hi - lo > SIGMA_TOLERANCE * hi) {
    const mid = 0.5 * (lo + hi);
    if (eps(mid) <= targetEpsilon) hi = mid;
    else lo = mid;
  }
  const reached = eps(hi);
  if (!(reached <= targetEpsilon)) {
    throw errors.runtime(`calibrateNoiseMultiplier: epsilon ${reached} at sigma ${hi} exceeds ${targetEpsilon}`);
  }
  return hi;
}
