import { type CompressorKind, decodeCompressed, errors, type Kernels, type Layout } from '@starling/core';

/** An update as it arrives: the `delta` tensor's data and, for a compressed `u8` payload, its codec. */
export interface IncomingUpdate {
  readonly data: ArrayBufferView;
  readonly codec?: string;
}

/**
 * Turns an update's `delta` tensor into a float32 vector of the model's size, the same way in every
 * runtime. With an uplink compressor (`compression.up`, of `kind`) the tensor must be a `u8` payload
 * whose `codec` and self-described kind are `kind`; it is decoded with `decodeCompressed`, which checks
 * every field (lengths, indices, levels). Without one it must be `f32` of the model's size. With
 * bandwidth tiers (`compression.upTiers`) each tier's encoding is accepted too. Anything else throws a
 * `protocol` error, which the server turns into a rejected update.
 */
export class UpdateDecoder {
  /** Every uplink encoding the run allows (null: raw float32); more than one with `compression.upTiers`. */
  private readonly allowed: readonly (CompressorKind | null)[];

  constructor(
    /** The uplink compressor kind, or null when updates travel as raw float32. */
    readonly kind: CompressorKind | null,
    private readonly layout: Layout,
    private readonly kernels: Kernels,
    /** The bandwidth tiers' kinds (null: raw), also accepted. */
    tierKinds: readonly (CompressorKind | null)[] = [],
  ) {
    this.allowed = [...new Set([kind, ...tierKinds])];
  }

  /** Decodes one update into a fresh `Float32Array` (length `layout.size`). */
  decode(t: IncomingUpdate): Float32Array {
    const size = this.layout.size;
    if (t.codec === undefined && this.allowed.includes(null)) {
      if (!(t.data instanceof Float32Array) || t.data.length !== size) {
        throw errors.protocol(`update: delta must be ${size} float32 values`);
      }
      return t.data;
    }
    if (this.allowed.length === 1 && this.allowed[0] === null) {
      throw errors.protocol(`update: codec ${t.codec} but the uplink is uncompressed`);
    }
    const kind = this.allowed.find((k) => k !== null && k === t.codec);
    if (kind === undefined || kind === null) {
      const want = this.allowed.map((k) => k ?? 'none (raw float32)').join(' or ');
      throw errors.protocol(`update: codec ${t.codec ?? 'none'}, expected ${want}`);
    }
    if (!(t.data instanceof Uint8Array)) throw errors.protocol(`update: a ${kind} payload must be u8`);
    const out = new Float32Array(size);
    const header = decodeCompressed(t.data, out, this.layout, this.kernels);
    if (header.kind !== kind) throw errors.protocol(`update: codec ${kind} but a ${header.kind} payload`);
    return out;
  }

  /** The payload bytes of an update on the wire (its tensor frame, without the message header). */
  static payloadBytes(t: IncomingUpdate): number {
    return t.data.byteLength;
  }
}
