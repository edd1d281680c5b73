import { jsCompressKernels, qsgdCodeBits, Rng } from '@starling/core';
import type { NativeBinding } from './binding.js';
import { nativeCompressKernels } from './native-compress-kernels.js';

function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/**
 * Runs the compression loops on 45 entries (full SIMD groups and a tail) through the binding and
 * compares them with `jsCompressKernels`: fp16 and bf16 bits, sign bytes and Σ|x|, QSGD bytes (s = 5)
 * and their decoding. Returns a description of the first mismatch, or undefined.
 */
export function compressSelfCheck(binding: NativeBinding): string | undefined {
  const native = nativeCompressKernels(binding);
  const js = jsCompressKernels;
  const x = Float32Array.from({ length: 45 }, (_, i) => (((i * 37) % 23) - 11) * 2 ** ((i % 9) - 4) + 1 / 3);
  const fail = (what: string) =>
    `self-check failed at SIMD level ${binding.simd()}: ${what} differs from the reference`;
  for (const kind of ['encodeF16', 'encodeBf16'] as const) {
    const a = new Uint16Array(x.length);
    const b = new Uint16Array(x.length);
    js[kind](x, a);
    native[kind](x, b);
    if (!sameBytes(a, b)) return fail(kind);
  }
  const sa = new Uint8Array(6);
  const sb = new Uint8Array(6);
  if (js.packSigns(x, sa, 0) !== native.packSigns(x, sb, 0) || !sameBytes(sa, sb)) return fail('packSigns');
  const s = 5;
  const width = qsgdCodeBits(s);
  const norm = Math.fround(Math.sqrt(js.sumSquares8(x)));
  if (native.sumSquares8(x) !== js.sumSquares8(x)) return fail('sumSquares8');
  const qa = new Uint8Array(Math.ceil((x.length * width) / 8));
  const qb = new Uint8Array(qa.length);
  js.qsgdQuantizePack(x, norm, s, width, Rng.fromSeed(1), qa, 0);
  native.qsgdQuantizePack(x, norm, s, width, Rng.fromSeed(1), qb, 0);
  if (!sameBytes(qa, qb)) return fail('qsgdQuantizePack');
  const da = new Float32Array(x.length);
  const db = new Float32Array(x.length);
  if (js.qsgdUnpack(qa, 0, norm, s, width, da) !== native.qsgdUnpack(qa, 0, norm, s, width, db) || !sameBytes(da, db)) {
    return fail('qsgdUnpack');
  }
  return undefined;
}
