import { errors } from '../errors.js';
import { type CompressKernels, compressKernelsOf, jsCompressKernels } from './compress-kernels.js';
import type { Encoded } from './compressor.js';
import { type CompressorEntry, compressorSchemaOf } from './compressor-entry.js';
import {
  checkInput,
  expectBytes,
  expectFlags,
  HEADER_BYTES,
  newPayload,
  type PayloadHeader,
  payloadError,
  viewOf,
  type WireKind,
} from './wire.js';

const FIXED = HEADER_BYTES + 4;
const SIGN = { kind: 'sign', wireId: 4 } as const satisfies WireKind;

/**
 * `sign`: scaled sign C(x) = (‖x‖₁/d)·sign(x), with sign(0) = +1 (Bernstein et al. 2018, "signSGD";
 * the ‖x‖₁/d scaling of Karimireddy et al. 2019, "Error Feedback Fixes SignSGD and other Gradient
 * Compression Schemes"). Payload: header, float32 scale ‖x‖₁/d, then d sign bits (1 = negative),
 * LSB-first, zero-padded to a byte. Theoretical bits: 32 + d. Non-finite input throws as `checkInput`
 * does (the sum finds it, so compressors skip their own scan).
 */
export function encodeSign(x: Float32Array, ck: CompressKernels = jsCompressKernels): Encoded {
  const d = x.length;
  const { bytes, view } = newPayload(SIGN, 0, d, FIXED + Math.ceil(d / 8));
  const l1 = ck.packSigns(x, bytes, FIXED);
  // Σ|x_i| of float32s cannot overflow float64: a non-finite sum means a non-finite entry.
  if (!Number.isFinite(l1)) checkInput('sign', x, d);
  const scale = d > 0 ? Math.fround(l1 / d) : 0;
  if (!Number.isFinite(scale)) throw errors.runtime(`sign compressor: ‖x‖₁/d = ${l1 / d} overflows float32`);
  view.setFloat32(HEADER_BYTES, scale, true);
  return { bytes, theoreticalBits: 32 + d };
}

/** Decodes a `sign` payload into `out`, rejecting a bad scale, wrong size or set padding bits. */
export function decodeSign(
  bytes: Uint8Array,
  header: PayloadHeader,
  out: Float32Array,
  ck: CompressKernels = jsCompressKernels,
): void {
  expectFlags('sign', header.flags, 0);
  expectBytes('sign', bytes, FIXED + Math.ceil(out.length / 8));
  const scale = viewOf(bytes).getFloat32(HEADER_BYTES, true);
  if (!(Number.isFinite(scale) && scale >= 0)) throw payloadError('sign', 'scale', `is ${scale}, expected finite ≥ 0`);
  if (!ck.unpackSigns(bytes, FIXED, scale, out))
    throw payloadError('sign', 'padding', 'bits after the last sign are set');
}

/** `sign`: scaled sign (wire id 4), no options. */
export const signCompressor = {
  ...SIGN,
  schema: compressorSchemaOf(SIGN.kind, {}),
  encoder: (_spec, _layout, { kernels }) => {
    const ck = compressKernelsOf(kernels);
    return { encode: (x) => encodeSign(x, ck), scansInput: true };
  },
  decode: (bytes, header, out, _layout, kernels) => decodeSign(bytes, header, out, compressKernelsOf(kernels)),
} satisfies CompressorEntry;
