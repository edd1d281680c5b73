import { type Kernels, type Layout, makeCompressor, Rng } from '@starling/core';

/** Bytes of one message's tensor payload: exact when the encoding's size depends only on the model size. */
export interface PayloadSize {
  /** The payload bytes (the lower bound when not `exact`). */
  readonly bytes: number;
  /** False for encodings whose size depends on the data or on a draw (`topk`, `dropout`). */
  readonly exact: boolean;
  /** The largest possible payload (equal to `bytes` when `exact`). */
  readonly max: number;
}

/** LEB128 bytes of v (as the top-k index gaps are written). */
function varintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n++;
  }
  return n;
}

/**
 * The payload bytes of one message compressed with `spec` (a `compression.*` entry; undefined: raw
 * float32, 4 bytes per value) for a model of `layout`. Measured by compressing a probe vector with the
 * run's own compressor, so a change to an encoding cannot leave this behind. `topk` writes its index
 * gaps as varints, so its size depends on which entries win: `bytes` is the size with adjacent winners
 * (one byte per gap) and `max` bounds every gap by d − k. `dropout` sends either the header or the
 * whole vector.
 */
export function payloadSize(spec: unknown, layout: Layout, kernels: Kernels, path: string): PayloadSize {
  const d = layout.size;
  if (spec === undefined) return { bytes: 4 * d, exact: true, max: 4 * d };
  const c = makeCompressor(spec, layout, { path, kernels });
  // Decreasing magnitudes: top-k keeps the first k entries, every gap is 0 (the smallest payload).
  const probe = Float32Array.from({ length: d }, (_, i) => (d - i) / d);
  const enc = c.compress(probe, { rng: Rng.fromSeed(0).fork('explain'), round: 0 });
  const bytes = enc.bytes.byteLength;
  if (c.kind === 'topk') {
    const k = new DataView(enc.bytes.buffer, enc.bytes.byteOffset).getUint32(8, true);
    return { bytes, exact: k === 0 || k === d, max: bytes + k * (varintSize(d - k) - 1) };
  }
  if (c.kind === 'dropout') return { bytes: 8, exact: false, max: 8 + 4 * d };
  return { bytes, exact: true, max: bytes };
}
