import { type CompressKernels, jsCompressKernels } from './compress-kernels.js';
import type { Encoded } from './compressor.js';
import {
  expectBytes,
  expectFinite,
  expectFlags,
  floatsAt,
  HEADER_BYTES,
  newPayload,
  type PayloadHeader,
  payloadError,
  uint16sAt,
} from './wire.js';

/**
 * `none`: the vector as float32. Payload: header, then d float32 values.
 * Theoretical bits: 32·d.
 */
export function encodeNone(x: Float32Array): Encoded {
  const d = x.length;
  const { bytes } = newPayload('none', 0, d, HEADER_BYTES + 4 * d);
  new Float32Array(bytes.buffer, HEADER_BYTES, d).set(x);
  return { bytes, theoreticalBits: 32 * d };
}

/** Decodes a `none` payload into `out` (length = header length). */
export function decodeNone(bytes: Uint8Array, header: PayloadHeader, out: Float32Array): void {
  expectFlags('none', header.flags, 0);
  expectBytes('none', bytes, HEADER_BYTES + 4 * out.length);
  const values = floatsAt(bytes, HEADER_BYTES, out.length);
  expectFinite('none', 'value', values);
  out.set(values);
}

/**
 * `fp16` / `bf16`: each entry rounded to nearest even (fp16 saturates at ±65504). Payload: header,
 * then d little-endian uint16 bit patterns. Theoretical bits: 16·d.
 */
export function encodeHalf(kind: 'fp16' | 'bf16', x: Float32Array, ck: CompressKernels = jsCompressKernels): Encoded {
  const d = x.length;
  const { bytes } = newPayload(kind, 0, d, HEADER_BYTES + 2 * d);
  const codes = new Uint16Array(bytes.buffer, HEADER_BYTES, d);
  if (kind === 'fp16') ck.encodeF16(x, codes);
  else ck.encodeBf16(x, codes);
  return { bytes, theoreticalBits: 16 * d };
}

/** Decodes an `fp16` or `bf16` payload into `out`; Inf and NaN patterns are rejected. */
export function decodeHalf(
  bytes: Uint8Array,
  header: PayloadHeader,
  out: Float32Array,
  ck: CompressKernels = jsCompressKernels,
): void {
  const kind = header.kind;
  expectFlags(kind, header.flags, 0);
  expectBytes(kind, bytes, HEADER_BYTES + 2 * out.length);
  const codes = uint16sAt(bytes, HEADER_BYTES, out.length);
  const bad = kind === 'fp16' ? ck.decodeF16(codes, out) : ck.decodeBf16(codes, out);
  if (bad >= 0) throw payloadError(kind, `value[${bad}]`, `is an Inf/NaN pattern 0x${codes[bad].toString(16)}`);
}
