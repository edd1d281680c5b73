import { f16BitsToNumber, f32BitsToBf16, f32BitsToF16 } from './half.js';

/** Largest finite fp16 (65504) and bf16 (≈3.39e38) bit patterns, without sign. */
const F16_MAX = 0x7bff;
const BF16_MAX = 0x7f7f;

let f16Table: Float32Array | null = null;

/** All 65536 fp16 values, built once (256 KiB): decoding is one table lookup per entry. */
function f16Values(): Float32Array {
  if (f16Table === null) {
    f16Table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) f16Table[h] = f16BitsToNumber(h);
  }
  return f16Table;
}

/**
 * Kernel: finite float32 → fp16 bits, round-to-nearest-even, saturating at ±65504 instead of
 * overflowing to Inf (a compressed update must stay finite on the wire). Native-replaceable.
 */
export function encodeF16(x: Float32Array, out: Uint16Array): void {
  const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
  for (let i = 0; i < x.length; i++) {
    const b = bits[i];
    const abs = b & 0x7fffffff;
    if (abs >= 0x38800000 && abs < 0x477ff000) {
      // fp16 normal range: round the 13 dropped bits to nearest even, then rebias the exponent (112 << 10).
      out[i] = ((b >>> 16) & 0x8000) | (((abs + 0xfff + ((abs >>> 13) & 1)) >>> 13) - 0x1c000);
      continue;
    }
    let h = f32BitsToF16(b);
    if ((h & 0x7fff) === 0x7c00) h = (h & 0x8000) | F16_MAX;
    out[i] = h;
  }
}

/** Kernel: fp16 bits → float32; returns the index of the first Inf/NaN pattern, or −1. Native-replaceable. */
export function decodeF16(h: Uint16Array, out: Float32Array): number {
  const table = f16Values();
  for (let i = 0; i < h.length; i++) {
    const v = h[i];
    if ((v & 0x7c00) === 0x7c00) return i;
    out[i] = table[v];
  }
  return -1;
}

/** Kernel: finite float32 → bf16 bits, round-to-nearest-even, saturating at ±max. Native-replaceable. */
export function encodeBf16(x: Float32Array, out: Uint16Array): void {
  const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
  for (let i = 0; i < x.length; i++) {
    let h = f32BitsToBf16(bits[i]);
    if ((h & 0x7fff) === 0x7f80) h = (h & 0x8000) | BF16_MAX;
    out[i] = h;
  }
}

/** Kernel: bf16 bits → float32; returns the index of the first Inf/NaN pattern, or −1. Native-replaceable. */
export function decodeBf16(h: Uint16Array, out: Float32Array): number {
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < h.length; i++) {
    const v = h[i];
    if ((v & 0x7f80) === 0x7f80) return i;
    bits[i] = v << 16;
  }
  return -1;
}
