import { errors } from '../errors.js';

/**
 * Small validators of function arguments (the zeroth-order estimator's); config specs are validated by
 * their zod schemas instead. Each returns the value it checked
 * (or the default when the value is `undefined`) and throws `errors.option(path, …)` otherwise, so every
 * message reads `<path> must be <expected>, got <found>`.
 */

/** A finite number > 0. */
export function positive(path: string, value: unknown, fallback?: number): number {
  const v = value === undefined ? fallback : value;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw errors.option(path, 'a positive number', value);
  return v;
}

/** An integer ≥ 1. */
export function positiveInt(path: string, value: unknown, fallback?: number): number {
  const v = value === undefined ? fallback : value;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
    throw errors.option(path, 'a positive integer', value);
  return v;
}
