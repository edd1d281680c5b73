import { errors } from '../errors.js';

/**
 * How an RDP curve becomes an (ε, δ) guarantee:
 * - `'improved'`: ε = RDP(α) + log((α−1)/α) − (log δ + log α)/(α − 1), Balle, Barthe, Gaboardi, Hsu and
 *   Sato 2020, "Hypothesis testing interpretations and Rényi differential privacy", Theorem 21;
 * - `'classic'`: ε = RDP(α) + log(1/δ)/(α − 1), Mironov 2017, "Rényi differential privacy", Proposition 3.
 * Both are minimized over the orders; at every order the improved ε is smaller by
 * log(α)/(α − 1) − log((α−1)/α) > 0.
 */
export type RdpConversion = 'improved' | 'classic';

/** The conversions accepted by `rdpToEpsilon`, for validation and help texts. */
export const RDP_CONVERSIONS: readonly RdpConversion[] = ['improved', 'classic'];

/** An (ε, δ) guarantee read off an RDP curve, with the order that gave it. */
export interface EpsilonAtOrder {
  /** ε ≥ 0 in nats; +∞ when every order's RDP is infinite. */
  readonly epsilon: number;
  /** The Rényi order α that achieved the minimum; null when no order is finite or no privacy was lost. */
  readonly order: number | null;
}

/** ε at one order under `conversion`; +∞ when the RDP is infinite. */
export function epsilonAtOrder(rdp: number, order: number, delta: number, conversion: RdpConversion): number {
  if (conversion === 'classic') return rdp + Math.log(1 / delta) / (order - 1);
  return rdp + Math.log((order - 1) / order) - (Math.log(delta) + Math.log(order)) / (order - 1);
}

/**
 * The smallest ε over `orders` such that a mechanism with RDP curve `rdp` is (ε, δ)-DP.
 * An all-zero curve (nothing touched the data) gives ε = 0 with order null; the bound is otherwise
 * clamped at 0 from below. Ties keep the first order.
 * @param orders α values, each > 1
 * @param rdp the composed RDP at each order, in nats (same length as `orders`)
 * @param delta δ in (0, 1)
 */
export function rdpToEpsilon(
  orders: readonly number[],
  rdp: ArrayLike<number>,
  delta: number,
  conversion: RdpConversion = 'improved',
): EpsilonAtOrder {
  if (!(delta > 0 && delta < 1)) throw errors.option('delta', 'in (0, 1)', delta);
  if (!RDP_CONVERSIONS.includes(conversion))
    throw errors.unknownKind('conversion', String(conversion), RDP_CONVERSIONS);
  if (rdp.length !== orders.length) throw errors.shape('rdpToEpsilon rdp length', orders.length, rdp.length);
  let allZero = true;
  let best = Number.POSITIVE_INFINITY;
  let bestOrder: number | null = null;
  for (let k = 0; k < orders.length; k++) {
    if (Number.isNaN(rdp[k]) || rdp[k] < 0) throw errors.option(`rdp[${k}]`, 'a non-negative number', rdp[k]);
    if (rdp[k] !== 0) allZero = false;
    const eps = epsilonAtOrder(rdp[k], orders[k], delta, conversion);
    if (eps < best) {
      best = eps;
      bestOrder = orders[k];
    }
  }
  if (allZero) return { epsilon: 0, order: null };
  return { epsilon: Math.max(0, best), order: bestOrder };
}
