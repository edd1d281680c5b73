import { compressKernelsOf } from '../compress/compress-kernels.js';
import type { Kernels } from '../kernels/kernels.js';

/**
 * Mixed precision (`model.precision: bf16`): rounds a layer's output, as the next layer reads it and
 * the backward reuses it, to bfloat16 (round to nearest even, saturating; the compressors' bf16 codec),
 * in place. Sums stay float32/float64; only the stored activations lose precision. Keeps one 16-bit
 * scratch, grown by 1.25×.
 */
export class Bf16Rounding {
  private half = new Uint16Array(0);

  round(k: Kernels, a: Float32Array): void {
    if (this.half.length < a.length) this.half = new Uint16Array(Math.ceil(a.length * 1.25));
    const h = this.half.subarray(0, a.length);
    const codec = compressKernelsOf(k);
    codec.encodeBf16(a, h);
    codec.decodeBf16(h, a);
  }
}
