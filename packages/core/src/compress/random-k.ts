import { z } from 'zod';
import type { Rng } from '../rng/rng.js';
import type { Encoded } from './compressor.js';
import { type CompressorEntry, compressorSchemaOf } from './compressor-entry.js';
import { drawIndexSeed, MAX_INDEX_SEED, randomIndices } from './random-indices.js';
import { checkSparsity, sparsityCount, sparsityOptions } from './sparsity.js';
import {
  checkScaled,
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

const FIXED = HEADER_BYTES + 12;
const RANDK = { kind: 'randk', wireId: 6 } as const satisfies WireKind;

/**
 * `randk`: keeps k entries chosen uniformly without replacement, zeroes the rest. Biased, it is a
 * k-contraction with E‖x − C(x)‖² = (1 − k/d)‖x‖²; with `unbiased` the kept values are scaled by d/k so
 * E[C(x)] = x (variance (d/k − 1)‖x‖²) (Stich, Cordonnier, Jaggi 2018; Wangni et al. 2018). Only values
 * travel: the payload carries the index seed, and the receiver regenerates the indices
 * (`randomIndices`). Payload: header, u32 k, u32 seed low, u32 seed high, then k float32 values
 * (already scaled). Theoretical bits: 32·k.
 */
export function encodeRandK(x: Float32Array, k: number, unbiased: boolean, rng: Rng): Encoded {
  const d = x.length;
  const seed = drawIndexSeed(rng);
  const indices = new Int32Array(k);
  randomIndices(seed, d, k, indices);
  const { bytes, view } = newPayload(RANDK, 0, d, FIXED + 4 * k);
  view.setUint32(HEADER_BYTES, k, true);
  view.setUint32(HEADER_BYTES + 4, seed % 4294967296, true);
  view.setUint32(HEADER_BYTES + 8, Math.floor(seed / 4294967296), true);
  const values = new Float32Array(bytes.buffer, FIXED, k);
  const scale = unbiased && k > 0 ? d / k : 1;
  for (let j = 0; j < k; j++) values[j] = x[indices[j]] * scale;
  checkScaled('randk', values);
  return { bytes, theoreticalBits: 32 * k };
}

/** Decodes a `randk` payload into `out` (zeros elsewhere), regenerating the indices from its seed. */
export function decodeRandK(bytes: Uint8Array, header: PayloadHeader, out: Float32Array): void {
  expectFlags('randk', header.flags, 0);
  const d = out.length;
  if (bytes.length < FIXED) expectBytes('randk', bytes, FIXED);
  const view = viewOf(bytes);
  const k = view.getUint32(HEADER_BYTES, true);
  if (k > d) throw payloadError('randk', 'k', `is ${k}, above the length ${d}`);
  const seed = view.getUint32(HEADER_BYTES + 4, true) + view.getUint32(HEADER_BYTES + 8, true) * 4294967296;
  if (seed > MAX_INDEX_SEED) throw payloadError('randk', 'seed', `is ${seed}, above 2^53 − 1`);
  expectBytes('randk', bytes, FIXED + 4 * k);
  const values = floatsAt(bytes, FIXED, k);
  expectFinite('randk', 'value', values);
  const indices = new Int32Array(k);
  randomIndices(seed, d, k, indices);
  out.fill(0);
  for (let j = 0; j < k; j++) out[indices[j]] = values[j];
}

/** `randk` options: `ratio` or `count` (see `sparsityOptions`); `unbiased` (default false) scales by d/k. */
const schema = compressorSchemaOf(RANDK.kind, { ...sparsityOptions, unbiased: z.boolean().default(false) }).superRefine(
  checkSparsity,
);

/** `randk` (wire id 6). For CHOCO the unbiased form is scaled by k/d, which gives back the biased one. */
export const randKCompressor = {
  ...RANDK,
  schema,
  encoder: (spec, layout, { path }) => {
    const k = sparsityCount(spec, layout.size, path);
    return { encode: (x, rng) => encodeRandK(x, k, spec.unbiased, rng) };
  },
  decode: (bytes, header, out) => decodeRandK(bytes, header, out),
  contraction: (spec, d) => (spec.unbiased ? sparsityCount(spec, d) / d : 1),
} satisfies CompressorEntry<z.output<typeof schema>>;
