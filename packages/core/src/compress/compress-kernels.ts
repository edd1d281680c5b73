import { firstNonFinite } from '../kernels/non-finite.js';
import type { Rng } from '../rng/rng.js';
import { decodeBf16, decodeF16, encodeBf16, encodeF16 } from './half-kernels.js';
import { qsgdQuantizePack, qsgdUnpack, sumSquares8 } from './qsgd-kernels.js';
import { packSigns, unpackSigns } from './sign-kernels.js';

/**
 * The array loops of the fp16/bf16, sign and QSGD compressors. `jsCompressKernels` (the functions of
 * `half-kernels.ts`, `sign-kernels.ts`, `qsgd-kernels.ts`) is the specification; `@starling/native`
 * implements the same interface in C++ and must produce the same bytes and the same results for every
 * input, including the index it reports for an invalid payload. Reach it as `kernels.compress`.
 *
 * Callers validate arguments (lengths, offsets, s, width); the native adapter checks them again.
 */
export interface CompressKernels {
  /** `'js'` or `'native'`. */
  readonly backend: 'js' | 'native';
  /** Index of the first NaN or ±Inf entry of `x`, or −1 (the compressors' input check). */
  firstNonFinite(x: Float32Array): number;
  /** float32 → fp16 bits, round to nearest even, saturating at ±65504 (see `encodeF16`). */
  encodeF16(x: Float32Array, out: Uint16Array): void;
  /** fp16 bits → float32; the index of the first Inf/NaN pattern (out written before it), or −1. */
  decodeF16(h: Uint16Array, out: Float32Array): number;
  /** float32 → bf16 bits, round to nearest even, saturating at ±max (see `encodeBf16`). */
  encodeBf16(x: Float32Array, out: Uint16Array): void;
  /** bf16 bits → float32; the index of the first Inf/NaN pattern (out written before it), or −1. */
  decodeBf16(h: Uint16Array, out: Float32Array): number;
  /** Sign bits of `x` from `bytes[offset]` (1 = negative); returns Σ|x_i| in 8 lanes (see `packSigns`). */
  packSigns(x: Float32Array, bytes: Uint8Array, offset: number): number;
  /** out[i] = ±fround(scale) by sign bit i; false when a padding bit is set (see `unpackSigns`). */
  unpackSigns(bytes: Uint8Array, offset: number, scale: number, out: Float32Array): boolean;
  /** Σ x_i² in 8 float64 lanes (QSGD's norm; see `sumSquares8`). */
  sumSquares8(x: Float32Array): number;
  /**
   * QSGD stochastic rounding and packing with one `rng.nextUint32()` per entry (see
   * `qsgdQuantizePack`); a native implementation generates the words from `rng.key()` and
   * `rng.position()` and then `rng.skip(x.length)`, leaving `rng` where the reference does.
   */
  qsgdQuantizePack(
    x: Float32Array,
    norm: number,
    s: number,
    width: number,
    rng: Rng,
    bytes: Uint8Array,
    offset: number,
  ): void;
  /** QSGD unpacking with validation: −1, the first bad code's index, or `out.length` for set padding. */
  qsgdUnpack(bytes: Uint8Array, offset: number, norm: number, s: number, width: number, out: Float32Array): number;
}

/** The TypeScript reference of {@link CompressKernels}. */
export const jsCompressKernels: CompressKernels = {
  backend: 'js',
  firstNonFinite,
  encodeF16,
  decodeF16,
  encodeBf16,
  decodeBf16,
  packSigns,
  unpackSigns,
  sumSquares8,
  qsgdQuantizePack,
  qsgdUnpack,
};

/** The compression kernels of `kernels` (its `compress` member), or the TypeScript reference. */
export function compressKernelsOf(kernels?: { readonly compress?: CompressKernels }): CompressKernels {
  return kernels?.compress ?? jsCompressKernels;
}
