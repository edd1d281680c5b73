import { z } from 'zod';
import type { Kernels } from '../kernels/kernels.js';
import type { Layout } from '../layout.js';
import type { Rng } from '../rng/rng.js';
import type { KindEntry, KindSpec } from '../spec/kind-table.js';
import type { CompressorState, Encoded } from './compressor.js';
import type { PayloadHeader, WireKind } from './wire.js';

/** What every compressor spec has after validation: its kind and whether EF-SGD wraps it. */
export type CompressorSpecBase = KindSpec & { readonly errorFeedback: boolean };

/** What a kind's encoder gets besides its spec and layout. */
export interface EncoderOptions {
  /** The config path of the spec, for messages that depend on the layout (`compression.up.count`). */
  readonly path: string;
  /** PowerSGD's matrix products and, via `kernels.compress`, the fp16/bf16, sign and QSGD loops. */
  readonly kernels: Kernels;
}

/** One kind's compression of a vector of the layout's size (`makeCompressor` adds checks and state). */
export interface Encoder {
  /** Encodes finite `x`; `rng` is forked for this (kind, round). */
  encode(x: Float32Array, rng: Rng): Encoded;
  /** True when `encode` itself throws `checkInput`'s error on a non-finite entry (one pass fewer). */
  readonly scansInput?: boolean;
  state?(): CompressorState;
  load?(state: CompressorState): void;
}

/**
 * One compressor kind in the `compressors` table: its wire id, the schema of its options, its encoder
 * factory, its wire decoder and the properties the algorithms around it need. `errorFeedback` is not
 * the kind's business: `makeCompressor` wraps any kind with `withErrorFeedback`.
 */
export interface CompressorEntry<S extends CompressorSpecBase = CompressorSpecBase> extends KindEntry, WireKind {
  /** Validates `{ kind, ...options, errorFeedback }` (see `compressorSchemaOf`) and fills defaults. */
  readonly schema: z.ZodType<S>;
  /** The encoder for vectors of `layout` (throws `config` errors for options that do not fit it). */
  encoder(spec: S, layout: Layout, options: EncoderOptions): Encoder;
  /**
   * Decodes a payload of this kind (common header already read and its length checked) into `out`,
   * validating every field; throws a `protocol` StarlingError on a malformed payload.
   */
  decode(bytes: Uint8Array, header: PayloadHeader, out: Float32Array, layout: Layout, kernels: Kernels): void;
  /**
   * The factor s CHOCO-SGD puts on every decoded q so that s·C is a contraction,
   * E‖x − s·C(x)‖² ≤ (1 − δ)‖x‖² with δ > 0 (Koloskova, Stich, Jaggi 2019, Assumption 1), for vectors
   * of d floats. Absent means 1 (biased compressors such as top-k, sign, fp16 contract already).
   */
  contraction?(spec: S, d: number): number;
}

/** `errorFeedback` (default false): wrap the kind in EF-SGD (Karimireddy et al. 2019). */
const errorFeedback = z.boolean().default(false);

/** The schema of a compressor kind: `{ kind, ...options, errorFeedback }`, unknown options rejected. */
export function compressorSchemaOf<K extends string, Shape extends z.ZodRawShape>(kind: K, options: Shape) {
  return z.strictObject({ kind: z.literal(kind), ...options, errorFeedback });
}
