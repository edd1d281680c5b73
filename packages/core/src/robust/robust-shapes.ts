import { errors } from '../errors.js';

/**
 * Shape checks shared by the robust kernels (both backends): n ≥ 1 vectors, all Float32Arrays of length
 * `d`. Throws an `internal` StarlingError such as `coordinateMedian: vectors[2].length: expected
 * out.length = 10, got 9`. A wrong shape is a bug in the caller.
 */
export function checkVectors(fn: string, vectors: readonly Float32Array[], d: number, what: string): void {
  if (!Array.isArray(vectors)) throw errors.shape(`${fn}: vectors`, 'an array of Float32Array', typeof vectors);
  if (vectors.length < 1) throw errors.shape(`${fn}: vectors.length`, 'at least 1', 0);
  for (let k = 0; k < vectors.length; k++) {
    const v = vectors[k];
    if (!(v instanceof Float32Array)) throw errors.shape(`${fn}: vectors[${k}]`, 'a Float32Array', typeof v);
    if (v.length !== d) throw errors.shape(`${fn}: vectors[${k}].length`, `${what} = ${d}`, v.length);
  }
}

/** Checks `out` is a Float32Array (the selections' output). */
export function checkOutF32(fn: string, out: Float32Array): void {
  if (!(out instanceof Float32Array)) throw errors.shape(`${fn}: out`, 'a Float32Array', typeof out);
}

/** Checks trim is an integer with 0 ≤ 2·trim < n. */
export function checkTrim(fn: string, trim: number, n: number): void {
  if (!(Number.isInteger(trim) && trim >= 0 && 2 * trim < n)) {
    throw errors.shape(`${fn}: trim`, `an integer with 0 ≤ 2·trim < n = ${n}`, String(trim));
  }
}
