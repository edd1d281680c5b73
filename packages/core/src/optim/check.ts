import { errors } from '../errors.js';

/**
 * Small validators shared by the optimizer and schedule factories. Each returns the value it checked
 * (or the default when the value is `undefined`) and throws `errors.option(path, …)` otherwise, so every
 * message reads `<path> must be <expected>, got <found>`.
 */

/** A finite number > 0. */
export function positive(path: string, value: unknown, fallback?: number): number {
  const v = value === undefined ? fallback : value;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw errors.option(path, 'a positive number', value);
  return v;
}

/** A finite number ≥ 0. */
export function nonNegative(path: string, value: unknown, fallback?: number): number {
  const v = value === undefined ? fallback : value;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw errors.option(path, 'a non-negative number', value);
  return v;
}

/** A number in [0, 1) (momentum, decay rates, Adam's betas). */
export function unitHalfOpen(path: string, value: unknown, fallback?: number): number {
  const v = value === undefined ? fallback : value;
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw errors.option(path, 'a number in [0, 1)', value);
  return v;
}

/** A number in `(0, 1]` (multiplicative decay factors). */
export function unitOpenClosed(path: string, value: unknown, fallback?: number): number {
  const v = value === undefined ? fallback : value;
  if (typeof v !== 'number' || !(v > 0 && v <= 1)) throw errors.option(path, 'a number in (0, 1]', value);
  return v;
}

/** An integer ≥ 1. */
export function positiveInt(path: string, value: unknown, fallback?: number): number {
  const v = value === undefined ? fallback : value;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
    throw errors.option(path, 'a positive integer', value);
  return v;
}

/** Rejects anything but a plain object, and any key outside `known` (typos such as `learningRate`). */
export function checkKeys(path: string, spec: unknown, known: readonly string[], what: string): void {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw errors.option(path, `an object with a kind`, spec);
  }
  for (const key of Object.keys(spec)) {
    if (!known.includes(key)) {
      throw errors.option(
        `${path}.${key}`,
        `absent (${what} takes ${known.join(', ')})`,
        (spec as Record<string, unknown>)[key],
      );
    }
  }
}
