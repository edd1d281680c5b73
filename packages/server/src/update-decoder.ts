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
 * every field (lengths, indices, levels). Without one it must be `f32` of the model's size. Anything
 * else throws a `protocol` error, which the server turns into a rejected update.
 */
export class UpdateDecoder {
  constructor(
    /** The uplink compressor kind, or null when updates travel as raw float32. */
    readonly kind: CompressorKind | null,
    private readonly layout: Layout,
    private readonly kernels: Kernels,
  ) {}

  /** Decodes one update into a fresh `Float32Array` (length `layout.size`). */
  decode(t: IncomingUpdate): Float32Array {
    const size = this.layout.size;
    if (this.kind === null) {
      if (t.codec !== undefined) throw errors.protocol(`update: codec ${t.codec} but the uplink is uncompressed`);
      if (!(t.data instanceof Float32Array) || t.data.length !== size) {
        throw errors.protocol(`update: delta must be ${size} float32 values`);
      }
      return t.data;
    }
    if (t.codec !== this.kind) throw errors.protocol(`update: codec ${t.codec ?? 'none'}, expected ${this.kind}`);
    if (!(t.data instanceof Uint8Array)) throw errors.protocol(`update: a ${this.kind} payload must be u8`);
    const out = new Float32Array(size);
    const header = decodeCompressed(t.data, out, this.layout, this.kernels);
    if (header.kind !== this.kind) throw errors.protocol(`update: codec ${this.kind} but a ${header.kind} payload`);
    return out;
  }

  /** The payload bytes of an update on the wire (its tensor frame, without the message header). */
  static payloadBytes(t: IncomingUpdate): number {
    return t.data.byteLength;
  }
}
