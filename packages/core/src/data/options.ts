import { errors } from '../errors.js';

/** Checks that `spec` has only the `allowed` keys; `path` is the option path of the spec (`data`). */
export function checkKeys(spec: object, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(spec)) {
    if (!allowed.includes(key)) {
      const kind = (spec as { kind?: unknown }).kind;
      throw errors.option(
        `${path}.${key}`,
        `absent (kind ${String(kind)} takes ${allowed.join(', ')})`,
        (spec as Record<string, unknown>)[key],
      );
    }
  }
}

/** An integer ≥ `min` (default 1), or the default when `value` is undefined. */
export function intAtLeast(path: string, value: unknown, min = 1, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw errors.option(path, min === 1 ? 'a positive integer' : `an integer >= ${min}`, value);
  }
  return value;
}

/** A finite number ≥ 0 (`strict`: > 0), or the default when `value` is undefined. */
export function nonNegative(path: string, value: unknown, fallback?: number, strict = false): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (strict && value === 0)) {
    throw errors.option(path, strict ? 'a finite number > 0' : 'a finite number >= 0', value);
  }
  return value;
}

/** A number in the open interval (0, 1), or the default when `value` is undefined. */
export function openUnit(path: string, value: unknown, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0 && value < 1)) throw errors.option(path, 'in (0, 1)', value);
  return value;
}

/** A non-empty string. */
export function nonEmptyString(path: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0)
    throw errors.option(path, 'a non-empty string (a file path)', value);
  return value;
}
