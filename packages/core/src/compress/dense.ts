import { type CompressKernels, compressKernelsOf, jsCompressKernels } from './compress-kernels.js';
import type { Encoded } from './compressor.js';
import { type CompressorEntry, compressorSchemaOf } from './compressor-entry.js';
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
  type WireKind,
} from './wire.js';

const NONE = { kind: 'none', wireId: 0 } as const satisfies WireKind;
const FP16 = { kind: 'fp16', wireId: 1 } as const satisfies WireKind;
const BF16 = { kind: 'bf16', wireId: 2 } as const satisfies WireKind;

/**
 * `none`: the vector as float32. Payload: header, then d float32 values.
 * Theoretical bits: 32·d.
 */
export function encodeNone(x: Float32Array): Encoded {
  const d = x.length;
  const { bytes } = newPayload(NONE, 0, d, HEADER_BYTES + 4 * d);
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
  const { bytes } = newPayload(kind === 'fp16' ? FP16 : BF16, 0, d, HEADER_BYTES + 2 * d);
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

/** `none`: raw float32 (wire id 0). */
export const noneCompressor = {
  ...NONE,
  schema: compressorSchemaOf(NONE.kind, {}),
  encoder: () => ({ encode: (x) => encodeNone(x) }),
  decode: (bytes, header, out) => decodeNone(bytes, header, out),
} satisfies CompressorEntry;

function halfCompressor(wire: typeof FP16 | typeof BF16) {
  return {
    ...wire,
    schema: compressorSchemaOf(wire.kind, {}),
    encoder: (_spec, _layout, { kernels }) => {
      const ck = compressKernelsOf(kernels);
      return { encode: (x) => encodeHalf(wire.kind, x, ck) };
    },
    decode: (bytes, header, out, _layout, kernels) => decodeHalf(bytes, header, out, compressKernelsOf(kernels)),
  } satisfies CompressorEntry;
}

/** `fp16`: IEEE half precision, round to nearest even (wire id 1). */
export const fp16Compressor = halfCompressor(FP16);
/** `bf16`: bfloat16, round to nearest even (wire id 2). */
export const bf16Compressor = halfCompressor(BF16);
