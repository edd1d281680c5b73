import type { z } from 'zod';
import type { Encoded } from './compressor.js';
import { type CompressorEntry, compressorSchemaOf } from './compressor-entry.js';
import { selectTopK } from './select-top-k.js';
import { checkSparsity, sparsityCount, sparsityOptions } from './sparsity.js';
import { gapVarintsSize, readGapVarints, writeGapVarints } from './varint.js';
import {
  expectBytes,
  expectFinite,
  expectFlags,
  floatsAt,
  HEADER_BYTES,
  newPayload,
  type PayloadHeader,
  payloadError,
  viewOf,
  type WireKind,
} from './wire.js';

const FIXED = HEADER_BYTES + 4;
const TOPK = { kind: 'topk', wireId: 5 } as const satisfies WireKind;

/** log2 of the binomial coefficient C(d, k): the information needed to name a k-subset of d positions. */
export function log2Binomial(d: number, k: number): number {
  const m = Math.min(k, d - k);
  let bits = 0;
  for (let i = 0; i < m; i++) bits += Math.log2((d - i) / (m - i));
  return bits;
}

/**
 * `topk`: keeps the k entries of largest magnitude (ties to lower indices) and zeroes the rest; a
 * biased k-contraction, ‖x − C(x)‖² ≤ (1 − k/d)‖x‖² (Stich, Cordonnier, Jaggi 2018, "Sparsified SGD
 * with Memory"). Payload: header, u32 k, k float32 values in index order, then k index gaps as LEB128
 * varints (first index, then index_j − index_{j−1} − 1). Theoretical bits: 32·k + ⌈log2 C(d, k)⌉,
 * the information-theoretic size of the index set; varints spend about 8–10 bits per index at 1%.
 */
export function encodeTopK(x: Float32Array, k: number): Encoded {
  const d = x.length;
  const indices = new Int32Array(k);
  selectTopK(x, k, indices);
  const valuesEnd = FIXED + 4 * k;
  const { bytes, view } = newPayload(TOPK, 0, d, valuesEnd + gapVarintsSize(indices, k));
  view.setUint32(HEADER_BYTES, k, true);
  const values = new Float32Array(bytes.buffer, FIXED, k);
  for (let j = 0; j < k; j++) values[j] = x[indices[j]];
  writeGapVarints(indices, k, bytes, valuesEnd);
  return { bytes, theoreticalBits: 32 * k + Math.ceil(log2Binomial(d, k)) };
}

/** Decodes a `topk` payload into `out` (zeros elsewhere), rejecting bad k, values and indices. */
export function decodeTopK(bytes: Uint8Array, header: PayloadHeader, out: Float32Array): void {
  expectFlags('topk', header.flags, 0);
  const d = out.length;
  if (bytes.length < FIXED) expectBytes('topk', bytes, FIXED);
  const k = viewOf(bytes).getUint32(HEADER_BYTES, true);
  if (k > d) throw payloadError('topk', 'k', `is ${k}, above the length ${d}`);
  const valuesEnd = FIXED + 4 * k;
  // Every varint takes at least one byte.
  if (bytes.length < valuesEnd + k) expectBytes('topk', bytes, valuesEnd + k);
  const values = floatsAt(bytes, FIXED, k);
  expectFinite('topk', 'value', values);
  const indices = new Int32Array(k);
  const end = readGapVarints(bytes, valuesEnd, bytes.length, k, d, indices);
  if (typeof end !== 'number') {
    throw payloadError(
      'topk',
      `index[${end.entry}]`,
      end.fault === 'out of range' ? `is ≥ the length ${d}` : end.fault,
    );
  }
  expectBytes('topk', bytes, end);
  out.fill(0);
  for (let j = 0; j < k; j++) out[indices[j]] = values[j];
}

/** `topk` options: `ratio` or `count` (see `sparsityOptions`). */
const schema = compressorSchemaOf(TOPK.kind, sparsityOptions).superRefine(checkSparsity);

/** `topk` (wire id 5): biased, a contraction with δ = k/d. */
export const topKCompressor = {
  ...TOPK,
  schema,
  encoder: (spec, layout, { path }) => {
    const k = sparsityCount(spec, layout.size, path);
    return { encode: (x) => encodeTopK(x, k) };
  },
  decode: (bytes, header, out) => decodeTopK(bytes, header, out),
} satisfies CompressorEntry<z.output<typeof schema>>;
