import { z } from 'zod';
import type { Rng } from '../rng/rng.js';
import type { Encoded } from './compressor.js';
import { type CompressorEntry, compressorSchemaOf } from './compressor-entry.js';
import {
  checkScaled,
  expectBytes,
  expectFinite,
  expectFlags,
  floatsAt,
  HEADER_BYTES,
  newPayload,
  type PayloadHeader,
  type WireKind,
} from './wire.js';

/** Flag bit of a dropout payload that carries the vector. */
export const DROPOUT_SENT = 1;
const DROPOUT = { kind: 'dropout', wireId: 7 } as const satisfies WireKind;

/**
 * `dropout`: sends the whole vector with probability p and nothing otherwise (random dropout of a
 * node's message); with `unbiased` the sent vector is scaled by 1/p so E[C(x)] = x. Decision:
 * `rng.uniform() < p`. Payload: header with flag bit 0 set when sent, then d float32 values (already
 * scaled) or nothing. Theoretical bits: 32·d when sent, else 0.
 */
export function encodeDropout(x: Float32Array, p: number, unbiased: boolean, rng: Rng): Encoded {
  const d = x.length;
  if (!rng.bernoulli(p)) return { bytes: newPayload(DROPOUT, 0, d, HEADER_BYTES).bytes, theoreticalBits: 0 };
  const { bytes } = newPayload(DROPOUT, DROPOUT_SENT, d, HEADER_BYTES + 4 * d);
  const values = new Float32Array(bytes.buffer, HEADER_BYTES, d);
  if (unbiased) {
    const scale = 1 / p;
    for (let i = 0; i < d; i++) values[i] = x[i] * scale;
    checkScaled('dropout', values);
  } else {
    values.set(x);
  }
  return { bytes, theoreticalBits: 32 * d };
}

/** Decodes a `dropout` payload into `out` (all zeros when nothing was sent). */
export function decodeDropout(bytes: Uint8Array, header: PayloadHeader, out: Float32Array): void {
  expectFlags('dropout', header.flags, DROPOUT_SENT);
  if ((header.flags & DROPOUT_SENT) === 0) {
    expectBytes('dropout', bytes, HEADER_BYTES);
    out.fill(0);
    return;
  }
  expectBytes('dropout', bytes, HEADER_BYTES + 4 * out.length);
  const values = floatsAt(bytes, HEADER_BYTES, out.length);
  expectFinite('dropout', 'value', values);
  out.set(values);
}

/** `dropout` options: send probability `p` in (0, 1]; `unbiased` (default false) scales by 1/p. */
const schema = compressorSchemaOf(DROPOUT.kind, { p: z.number().gt(0).lte(1), unbiased: z.boolean().default(false) });

/** `dropout` (wire id 7). For CHOCO the unbiased form is scaled by p, which gives back the biased one. */
export const dropoutCompressor = {
  ...DROPOUT,
  schema,
  encoder: (spec) => ({ encode: (x, rng) => encodeDropout(x, spec.p, spec.unbiased, rng) }),
  decode: (bytes, header, out) => decodeDropout(bytes, header, out),
  contraction: (spec) => (spec.unbiased ? spec.p : 1),
} satisfies CompressorEntry<z.output<typeof schema>>;
