import type { Rng } from '../rng/rng.js';

/**
 * A compressor kind as named in config (`compression.up.kind`): a key of the `compressors` table. The
 * built-in kinds are `COMPRESSOR_KINDS`, in the order of their wire ids (see `docs/compression.md`).
 */
export type CompressorKind = string;

/**
 * What a compressor needs besides its input. `rng` is the caller's compression stream for one
 * (node, direction); the compressor forks it by (kind, `round`), so a payload depends only on
 * (seed, node, direction, round) and the input, never on earlier calls. `round` is a non-negative
 * integer; calling twice with the same round and rng repeats the same random choices.
 */
export interface CompressContext {
  readonly rng: Rng;
  readonly round: number;
}

/**
 * One compressed vector. `bytes` is exactly what travels on the wire (self-describing header,
 * little-endian); it is freshly allocated and owned by the caller. `theoreticalBits` is the size the
 * compressor's paper counts for the same message (no header, no padding), so tests and metrics can
 * compare it with `bytes.length · 8`.
 */
export interface Encoded {
  readonly bytes: Uint8Array;
  readonly theoreticalBits: number;
}

/** Checkpointable compressor state: named vectors (error-feedback memory, PowerSGD's warm start). */
export type CompressorState = Readonly<Record<string, Float32Array>>;

/**
 * Compresses flat vectors of one model layout (updates or model deltas, `size` floats) to bytes and
 * back. Instances may be stateful (PowerSGD's warm start, error-feedback memory): keep one per
 * (node, direction), e.g. through `CompressorBank`.
 */
export interface Compressor {
  readonly kind: CompressorKind;
  /** The number of floats of every input and output (the layout's size). */
  readonly size: number;
  /** Whether this instance wraps its kind with error feedback (EF-SGD). */
  readonly errorFeedback: boolean;
  /** Compresses `x` (length `size`, finite entries; not modified). Throws a runtime error on NaN/Inf. */
  compress(x: Float32Array, ctx: CompressContext): Encoded;
  /**
   * Decodes a payload of this compressor's kind into `out` (allocated when omitted) and returns it.
   * Validates everything and throws a `protocol` StarlingError on any malformed payload.
   */
  decompress(bytes: Uint8Array, out?: Float32Array): Float32Array;
  /** A copy of the state to checkpoint (empty for stateless compressors). */
  state(): CompressorState;
  /** Restores a state produced by `state()` on a compressor with the same spec and layout. */
  load(state: CompressorState): void;
}
