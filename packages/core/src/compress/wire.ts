import { errors, type StarlingError } from '../errors.js';
import type { CompressorKind } from './compressor.js';

/** The version byte every compressed payload starts with. */
export const WIRE_VERSION = 1;
/** Bytes of the common header: u8 version, u8 kind id, u16 flags, u32 length (floats). */
export const HEADER_BYTES = 8;

/** A compressor kind and its id in the payload header (byte 1; see `docs/compression.md`). */
export interface WireKind {
  readonly kind: CompressorKind;
  /** 0..255, unique per kind, never reused: payloads name their kind by it. */
  readonly wireId: number;
}

/** The common header of a compressed payload (read by `readHeader`). */
export interface PayloadHeader {
  readonly kind: CompressorKind;
  readonly flags: number;
  /** The number of floats the payload decodes to. */
  readonly length: number;
}

/** Whether typed-array views read little-endian numbers on this host. */
export const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** A protocol error naming the payload kind and the offending field. */
export function payloadError(kind: string, field: string, problem: string): StarlingError {
  return errors.protocol(`${kind} payload: ${field} ${problem}`);
}

/** Allocates a payload of `total` bytes with the common header of `wire` written; returns it and a view. */
export function newPayload(wire: WireKind, flags: number, length: number, total: number) {
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, WIRE_VERSION);
  view.setUint8(1, wire.wireId);
  view.setUint16(2, flags, true);
  view.setUint32(4, length, true);
  return { bytes, view };
}

/** Checks that a payload has exactly `expected` bytes. */
export function expectBytes(kind: string, bytes: Uint8Array, expected: number): void {
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? 'truncated' : 'has trailing bytes';
    throw payloadError(kind, 'size', `${what}: ${bytes.length} bytes, expected ${expected}`);
  }
}

/** Checks that no flag bits outside `allowed` are set. */
export function expectFlags(kind: string, flags: number, allowed: number): void {
  if ((flags & ~allowed) !== 0) throw payloadError(kind, 'flags', `has unknown bits set (0x${flags.toString(16)})`);
}

/**
 * `n` float32s starting at `offset` of `bytes`: a view when aligned, else a copy (network buffers may
 * sit at any byte offset). Callers must not write through the result.
 */
export function floatsAt(bytes: Uint8Array, offset: number, n: number): Float32Array {
  const start = bytes.byteOffset + offset;
  if (start % 4 === 0) return new Float32Array(bytes.buffer, start, n);
  return new Float32Array(bytes.slice(offset, offset + 4 * n).buffer);
}

/** `n` uint16s starting at `offset` of `bytes`: a view when aligned, else a copy. */
export function uint16sAt(bytes: Uint8Array, offset: number, n: number): Uint16Array {
  const start = bytes.byteOffset + offset;
  if (start % 2 === 0) return new Uint16Array(bytes.buffer, start, n);
  return new Uint16Array(bytes.slice(offset, offset + 2 * n).buffer);
}

/** A little-endian DataView over the whole of `bytes`. */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Throws a protocol error at the first non-finite entry of `values` (payload floats must be finite). */
export function expectFinite(kind: string, field: string, values: Float32Array): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) throw payloadError(kind, `${field}[${i}]`, `is ${v}, expected a finite number`);
  }
}

/** Throws a runtime error when the input to compress has the wrong length or a non-finite entry. */
export function checkInput(kind: string, x: Float32Array, size: number): void {
  if (!(x instanceof Float32Array)) throw errors.runtime(`${kind} compressor: input must be a Float32Array`);
  if (x.length !== size) throw errors.shape(`${kind} compressor input length`, size, x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v - v !== 0) throw errors.runtime(`${kind} compressor: input entry ${i} is ${v}; updates must be finite`);
  }
}

/** Throws a runtime error when scaling made an entry overflow float32. */
export function checkScaled(kind: string, values: Float32Array): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) throw errors.runtime(`${kind} compressor: scaled entry ${i} overflows float32`);
  }
}
