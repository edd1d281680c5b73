/**
 * A compressor kind that is not built in, written the way a new kind is: one file with its schema,
 * encoder factory, wire decoder and CHOCO contraction, registered into core's `compressors` table.
 *
 * `int8`: deterministic symmetric quantization to b bits (`bits` in [2, 8], default 8): with
 * L = 2^(b−1) − 1 levels and scale σ = max|x_i|/L, q_i = round(x_i/σ) (half away from zero, |q_i| ≤ L) and
 * C(x)_i = σ·q_i. Payload: header, float32 σ, u8 b, then d int8 codes. Biased; as a contraction,
 * ‖x − C(x)‖² ≤ d·σ²/4, so CHOCO gets no extra factor (contraction absent).
 */
import {
  type CompressorEntry,
  compressorSchemaOf,
  errors,
  HEADER_BYTES,
  newPayload,
  registerCompressor,
  type WireKind,
} from '@starling/core';
import { z } from 'zod';

const INT8 = { kind: 'int8', wireId: 9 } as const satisfies WireKind;
const FIXED = HEADER_BYTES + 5;

const schema = compressorSchemaOf(INT8.kind, { bits: z.number().int().min(2).max(8).default(8) });

function encode(x: Float32Array, bits: number) {
  const levels = 2 ** (bits - 1) - 1;
  let max = 0;
  for (const v of x) max = Math.max(max, Math.abs(v));
  const scale = Math.fround(max / levels);
  const { bytes, view } = newPayload(INT8, 0, x.length, FIXED + x.length);
  view.setFloat32(HEADER_BYTES, scale, true);
  view.setUint8(HEADER_BYTES + 4, bits);
  const codes = new Int8Array(bytes.buffer, FIXED, x.length);
  for (let i = 0; i < x.length; i++) {
    const q = scale === 0 ? 0 : Math.sign(x[i]) * Math.round(Math.abs(x[i]) / scale);
    codes[i] = Math.max(-levels, Math.min(levels, q));
  }
  return { bytes, theoreticalBits: 32 + bits * x.length };
}

function decode(bytes: Uint8Array, out: Float32Array): void {
  if (bytes.length !== FIXED + out.length) throw errors.protocol(`int8 payload: ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const scale = view.getFloat32(HEADER_BYTES, true);
  const bits = view.getUint8(HEADER_BYTES + 4);
  if (!(Number.isFinite(scale) && scale >= 0)) throw errors.protocol(`int8 payload: scale ${scale}`);
  if (bits < 2 || bits > 8) throw errors.protocol(`int8 payload: bits ${bits}`);
  const levels = 2 ** (bits - 1) - 1;
  const codes = new Int8Array(bytes.buffer, bytes.byteOffset + FIXED, out.length);
  for (let i = 0; i < out.length; i++) {
    if (Math.abs(codes[i]) > levels) throw errors.protocol(`int8 payload: code[${i}] is ${codes[i]}`);
    out[i] = scale * codes[i];
  }
}

/** The `int8` entry (wire id 9, the next free one). */
export const int8Compressor = {
  ...INT8,
  schema,
  encoder: (spec) => ({ encode: (x) => encode(x, spec.bits) }),
  decode: (bytes, _header, out) => decode(bytes, out),
} satisfies CompressorEntry<z.output<typeof schema>>;

registerCompressor(int8Compressor);
