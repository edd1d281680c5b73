import { type CompressKernels, errors, qsgdCodeBits } from '@starling/core';
import type { NativeBinding } from './binding.js';
import { checkDim, checkF32 } from './validate.js';

function checkTyped<T extends Uint8Array | Uint16Array>(
  fn: string,
  name: string,
  x: T,
  type: { new (n: number): T; name: string },
  need: number,
  what: string,
): void {
  if (!(x instanceof type)) throw errors.shape(`${fn}: ${name}`, `a ${type.name}`, typeof x);
  if (x.length < need) throw errors.shape(`${fn}: ${name}.length`, `at least ${what} = ${need}`, x.length);
}

/** Checks QSGD's norm, s and width (width must be qsgdCodeBits(s)). */
function checkQsgd(fn: string, norm: number, s: number, width: number): void {
  if (!(typeof norm === 'number' && Number.isFinite(norm) && norm >= 0)) {
    throw errors.shape(`${fn}: norm`, 'a finite number ≥ 0', String(norm));
  }
  if (!(Number.isInteger(s) && s >= 1 && s <= 65535)) throw errors.shape(`${fn}: s`, 'an integer in 1..65535', s);
  if (width !== qsgdCodeBits(s)) throw errors.shape(`${fn}: width`, `qsgdCodeBits(s) = ${qsgdCodeBits(s)}`, width);
}

/** Rejects a Float32Array that shares memory with the `n` bytes of `bytes` from `start`. */
function checkApart(fn: string, f: Float32Array, name: string, bytes: ArrayBufferView, start: number, n: number) {
  const f0 = f.byteOffset;
  const b0 = bytes.byteOffset + start;
  if (f.buffer === bytes.buffer && f.length > 0 && n > 0 && f0 < b0 + n && b0 < f0 + f.byteLength) {
    throw errors.shape(`${fn}: ${name}`, 'memory disjoint from the encoded bytes', 'an overlap');
  }
}

/**
 * `CompressKernels` over the native binding: every argument is checked (types, lengths against the
 * entry count, offsets, QSGD's s and width, overlapping input and output) with an error naming it,
 * then C++ runs. Results equal `jsCompressKernels` byte for byte; QSGD continues the `Rng` stream
 * from `rng.position()` and then advances it with `rng.skip(x.length)`.
 */
export function nativeCompressKernels(binding: NativeBinding): CompressKernels {
  return {
    backend: 'native',

    firstNonFinite(x) {
      checkF32('firstNonFinite', 'x', x, 0, '0');
      return binding.firstNonFinite(x);
    },

    sumSquares8(x) {
      checkF32('sumSquares8', 'x', x, 0, '0');
      return binding.sumSquares8(x);
    },

    encodeF16(x, out) {
      checkF32('encodeF16', 'x', x, 0, '0');
      checkTyped('encodeF16', 'out', out, Uint16Array, x.length, 'x.length');
      checkApart('encodeF16', x, 'x', out, 0, 2 * x.length);
      binding.encodeF16(x, out);
    },

    decodeF16(h, out) {
      checkTyped('decodeF16', 'h', h, Uint16Array, 0, '0');
      checkF32('decodeF16', 'out', out, h.length, 'h.length');
      checkApart('decodeF16', out, 'out', h, 0, 2 * h.length);
      return binding.decodeF16(h, out);
    },

    encodeBf16(x, out) {
      checkF32('encodeBf16', 'x', x, 0, '0');
      checkTyped('encodeBf16', 'out', out, Uint16Array, x.length, 'x.length');
      checkApart('encodeBf16', x, 'x', out, 0, 2 * x.length);
      binding.encodeBf16(x, out);
    },

    decodeBf16(h, out) {
      checkTyped('decodeBf16', 'h', h, Uint16Array, 0, '0');
      checkF32('decodeBf16', 'out', out, h.length, 'h.length');
      checkApart('decodeBf16', out, 'out', h, 0, 2 * h.length);
      return binding.decodeBf16(h, out);
    },

    packSigns(x, bytes, offset) {
      checkF32('packSigns', 'x', x, 0, '0');
      checkDim('packSigns', 'offset', offset);
      const n = Math.ceil(x.length / 8);
      checkTyped('packSigns', 'bytes', bytes, Uint8Array, offset + n, 'offset + ⌈d/8⌉');
      checkApart('packSigns', x, 'x', bytes, offset, n);
      return binding.packSigns(x, bytes, offset);
    },

    unpackSigns(bytes, offset, scale, out) {
      checkF32('unpackSigns', 'out', out, 0, '0');
      checkDim('unpackSigns', 'offset', offset);
      const n = Math.ceil(out.length / 8);
      checkTyped('unpackSigns', 'bytes', bytes, Uint8Array, offset + n, 'offset + ⌈d/8⌉');
      if (typeof scale !== 'number') throw errors.shape('unpackSigns: scale', 'a number', typeof scale);
      checkApart('unpackSigns', out, 'out', bytes, offset, n);
      return binding.unpackSigns(bytes, offset, scale, out);
    },

    qsgdQuantizePack(x, norm, s, width, rng, bytes, offset) {
      const fn = 'qsgdQuantizePack';
      checkF32(fn, 'x', x, 0, '0');
      checkQsgd(fn, norm, s, width);
      checkDim(fn, 'offset', offset);
      const n = Math.ceil((x.length * width) / 8);
      checkTyped(fn, 'bytes', bytes, Uint8Array, offset + n, 'offset + ⌈d·width/8⌉');
      checkApart(fn, x, 'x', bytes, offset, n);
      const [k0, k1] = rng.key();
      const at = rng.position();
      binding.qsgdQuantizePack(x, norm, s, width, k0, k1, at.counterLo, at.counterHi, at.word, bytes, offset);
      rng.skip(x.length);
    },

    qsgdUnpack(bytes, offset, norm, s, width, out) {
      const fn = 'qsgdUnpack';
      checkF32(fn, 'out', out, 0, '0');
      checkQsgd(fn, norm, s, width);
      checkDim(fn, 'offset', offset);
      const n = Math.ceil((out.length * width) / 8);
      checkTyped(fn, 'bytes', bytes, Uint8Array, offset + n, 'offset + ⌈d·width/8⌉');
      checkApart(fn, out, 'out', bytes, offset, n);
      return binding.qsgdUnpack(bytes, offset, norm, s, width, out);
    },
  };
}
