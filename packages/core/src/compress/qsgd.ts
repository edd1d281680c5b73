import { z } from 'zod';
import { errors } from '../errors.js';
import type { Rng } from '../rng/rng.js';
import { type CompressKernels, compressKernelsOf, jsCompressKernels } from './compress-kernels.js';
import type { Encoded } from './compressor.js';
import { type CompressorEntry, compressorSchemaOf } from './compressor-entry.js';
import { qsgdCodeBits } from './qsgd-kernels.js';
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

/** The largest number of QSGD levels s a payload may use (16 level bits). */
export const QSGD_MAX_LEVELS = 65535;
const FIXED = HEADER_BYTES + 8;
const QSGD = { kind: 'qsgd', wireId: 3 } as const satisfies WireKind;

/**
 * `qsgd` with s levels (Alistarh, Grubic, Li, Tomioka, Vojnovic 2017, "QSGD: Communication-Efficient
 * SGD via Gradient Quantization and Encoding"): Q(x)_i = ‖x‖₂·sign(x_i)·ξ_i/s with ξ_i the stochastic
 * rounding of s|x_i|/‖x‖₂ to a neighbouring integer, so E[Q(x)] = x. Payload: header, float32 norm
 * ‖x‖₂ (rounded to nearest), u32 s, then d codes of 1 + ⌈log2(s+1)⌉ bits, LSB-first, zero-padded to a
 * byte. Theoretical bits: 32 + d·(1 + ⌈log2(s+1)⌉). The norm's sum of squares runs in 8 lanes
 * (`sumSquares8`), so every kernel backend gives the same bytes. Non-finite input throws as `checkInput`
 * does (the sum finds it, so compressors skip their own scan).
 */
export function encodeQsgd(x: Float32Array, s: number, rng: Rng, ck: CompressKernels = jsCompressKernels): Encoded {
  const d = x.length;
  const sumSq = ck.sumSquares8(x);
  // Squares of float32s cannot overflow float64: a non-finite sum means a non-finite entry.
  if (!Number.isFinite(sumSq)) checkInput('qsgd', x, d);
  // Rounding is monotone, so |x_i| ≤ fround(‖x‖) for every float32 entry: levels never pass s.
  const norm = Math.fround(Math.sqrt(sumSq));
  if (!Number.isFinite(norm)) throw errors.runtime(`qsgd compressor: ‖x‖ = ${Math.sqrt(sumSq)} overflows float32`);
  const width = qsgdCodeBits(s);
  const { bytes, view } = newPayload(QSGD, 0, d, FIXED + Math.ceil((d * width) / 8));
  view.setFloat32(HEADER_BYTES, norm, true);
  view.setUint32(HEADER_BYTES + 4, s, true);
  ck.qsgdQuantizePack(x, norm, s, width, rng, bytes, FIXED);
  return { bytes, theoreticalBits: 32 + d * width };
}

/** Decodes a `qsgd` payload into `out`, rejecting bad norms, level counts, codes and padding. */
export function decodeQsgd(
  bytes: Uint8Array,
  header: PayloadHeader,
  out: Float32Array,
  ck: CompressKernels = jsCompressKernels,
): void {
  expectFlags('qsgd', header.flags, 0);
  if (bytes.length < FIXED) expectBytes('qsgd', bytes, FIXED);
  const view = viewOf(bytes);
  const norm = view.getFloat32(HEADER_BYTES, true);
  if (!(Number.isFinite(norm) && norm >= 0)) throw payloadError('qsgd', 'norm', `is ${norm}, expected finite ≥ 0`);
  const s = view.getUint32(HEADER_BYTES + 4, true);
  if (s < 1 || s > QSGD_MAX_LEVELS) throw payloadError('qsgd', 'levels', `is ${s}, expected 1..${QSGD_MAX_LEVELS}`);
  const width = qsgdCodeBits(s);
  expectBytes('qsgd', bytes, FIXED + Math.ceil((out.length * width) / 8));
  const bad = ck.qsgdUnpack(bytes, FIXED, norm, s, width, out);
  if (bad === out.length) throw payloadError('qsgd', 'padding', 'bits after the last code are not zero');
  if (bad >= 0) throw payloadError('qsgd', `code[${bad}]`, `is invalid (level above s = ${s}, or −0)`);
}

/** `qsgd` options: `levels` s, an integer in [1, 65535]. */
const schema = compressorSchemaOf(QSGD.kind, { levels: z.number().int().min(1).max(QSGD_MAX_LEVELS) });

/**
 * `qsgd` (wire id 3). For CHOCO it is scaled by 1/τ with τ = 1 + min(d/s², √d/s), its variance bound
 * (Alistarh et al. 2017, Lemma 3.1): the scaled `qsgd_s` of Koloskova et al.'s experiments.
 */
export const qsgdCompressor = {
  ...QSGD,
  schema,
  encoder: (spec, _layout, { kernels }) => {
    const ck = compressKernelsOf(kernels);
    return { encode: (x, rng) => encodeQsgd(x, spec.levels, rng, ck), scansInput: true };
  },
  decode: (bytes, header, out, _layout, kernels) => decodeQsgd(bytes, header, out, compressKernelsOf(kernels)),
  contraction: (spec, d) => 1 / (1 + Math.min(d / spec.levels ** 2, Math.sqrt(d) / spec.levels)),
} satisfies CompressorEntry<z.output<typeof schema>>;
