import { errors } from '../errors.js';

function defaultOrders(): readonly number[] {
  const orders: number[] = [];
  // (10 + x)/10 is the correctly rounded double of 1.1, 1.2, …, 10.9.
  for (let x = 1; x < 100; x++) orders.push((10 + x) / 10);
  for (let a = 12; a < 64; a++) orders.push(a);
  return Object.freeze(orders);
}

/**
 * The Rényi orders α tried by default: 1.1, 1.2, …, 10.9 and 12, 13, …, 63 (151 orders, as in Opacus).
 * Small fractional orders serve large budgets (many steps), large orders serve small ones.
 */
export const DEFAULT_RDP_ORDERS: readonly number[] = defaultOrders();

/**
 * Checks a list of Rényi orders: non-empty, every order finite and > 1.
 * @param path the option path named in the error, e.g. `privacy.orders`
 */
export function checkOrders(orders: readonly number[], path = 'orders'): readonly number[] {
  if (!Array.isArray(orders) || orders.length === 0)
    throw errors.option(path, 'a non-empty list of numbers > 1', orders);
  for (let k = 0; k < orders.length; k++) {
    const a = orders[k];
    if (!(typeof a === 'number' && a > 1 && Number.isFinite(a))) {
      throw errors.option(`${path}[${k}]`, 'a finite number > 1', a);
    }
  }
  return orders;
}
