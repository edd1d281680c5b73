import { errors } from '@starling/core';

/**
 * Argument checks for the native adapter. Every failure is an `internal` StarlingError naming the
 * kernel and the argument, e.g. `gemm: a.length: expected at least m·k = 6, got 5`: a wrong call is a
 * bug in the caller, and native code must never read or write past an array.
 */

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v === 'number' ? String(v) : typeof v;
}

/** A dimension: an integer in [0, 2^31). */
export function checkDim(fn: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v >= 2 ** 31)
    throw errors.shape(`${fn}: ${name}`, 'an integer ≥ 0', describe(v));
}

export function checkNumber(fn: string, name: string, v: number): void {
  if (typeof v !== 'number') throw errors.shape(`${fn}: ${name}`, 'a number', describe(v));
}

/** A Float32Array with at least `need` entries (`exact`: exactly `need`); `what` explains `need`. */
export function checkF32(fn: string, name: string, x: Float32Array, need: number, what: string, exact = false): void {
  if (!(x instanceof Float32Array)) throw errors.shape(`${fn}: ${name}`, 'a Float32Array', describe(x));
  if (exact ? x.length !== need : x.length < need) {
    throw errors.shape(`${fn}: ${name}.length`, `${exact ? '' : 'at least '}${what} = ${need}`, x.length);
  }
}

/** True if the first `nx` entries of x and the first `ny` of y share memory. */
export function overlaps(x: ArrayBufferView, nx: number, y: ArrayBufferView, ny: number): boolean {
  if (x.buffer !== y.buffer || nx === 0 || ny === 0) return false;
  const x0 = x.byteOffset;
  const y0 = y.byteOffset;
  return x0 < y0 + ny * 4 && y0 < x0 + nx * 4;
}

/** True if x and y are views of exactly the same memory. */
export function same(x: ArrayBufferView, y: ArrayBufferView): boolean {
  return x.buffer === y.buffer && x.byteOffset === y.byteOffset && x.byteLength === y.byteLength;
}

/** Rejects an output whose used range overlaps an input's. */
export function checkDisjoint(
  fn: string,
  out: string,
  x: ArrayBufferView,
  nx: number,
  input: string,
  y: ArrayBufferView,
  ny: number,
): void {
  if (overlaps(x, nx, y, ny)) throw errors.shape(`${fn}: ${out}`, `memory disjoint from ${input}`, 'an overlap');
}

/** Rejects partial overlap: the two must be disjoint or the very same view. */
export function checkSameOrDisjoint(fn: string, out: string, x: Float32Array, input: string, y: Float32Array): void {
  if (!same(x, y)) checkDisjoint(fn, out, x, x.length, input, y, y.length);
}
