import { errors } from '@starling/core';
import { Packr, Unpackr } from 'msgpackr';
import { type Dtype, dtypeOf, LITTLE_ENDIAN, type TensorArray, viewFrame } from './dtypes.js';
import { HEADER_SCHEMAS, type Header, type TensorDescriptor } from './messages.js';
import { firstNonFinite, type NonFiniteScan } from './non-finite.js';
import { MAX_TENSORS, MESSAGE_TYPES, type MessageType, PROTOCOL_VERSION } from './protocol.js';
import { conforms, describe, isPlainObject } from './schema.js';

/** A tensor handed to `send`: its bytes are copied at encode unless `owned` hands the array over. */
export interface TensorInput {
  /** Name as it will appear in the descriptor (e.g. `model`, `delta`, `layer0.weight`). */
  readonly name: string;
  /** The payload; the dtype follows from the array type (a Buffer is `u8`). */
  readonly data: TensorArray;
  /** Names the encoding of a compressed `u8` payload (e.g. `qsgd`), absent for raw values. */
  readonly codec?: string;
  /** True hands the array to the transport: the caller promises never to write it again. */
  readonly owned?: boolean;
}

/** A received tensor: descriptor fields plus a typed-array view of its frame. */
export interface DecodedTensor {
  readonly name: string;
  readonly dtype: Dtype;
  readonly length: number;
  readonly codec?: string;
  readonly data: TensorArray;
}

/** Why the codec refused a message (the endpoint adds `routing-id`, `direction`, `wrong-run`). */
export type CodecRejectReason =
  | 'frames'
  | 'too-large'
  | 'header-size'
  | 'msgpack'
  | 'version'
  | 'unknown-type'
  | 'schema'
  | 'tensor-count'
  | 'tensor-size'
  | 'non-finite';

/** Size limits applied when decoding, in bytes. */
export interface DecodeLimits {
  /** Largest accepted message: header plus all tensor frames. */
  readonly maxMessageBytes: number;
  /** Largest accepted header frame. */
  readonly maxHeaderBytes: number;
}

/** {@link DecodeLimits} plus an optional faster NaN/Inf scan of float32 payloads. */
export interface DecodeOptions extends DecodeLimits {
  /** Used instead of `firstNonFinite` on f32 frames; must agree with it (see `checkNonFiniteScan`). */
  readonly nonFiniteScan?: NonFiniteScan;
}

/** Defaults: 256 MiB per message, 1 MiB per header. */
export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxMessageBytes: 256 * 2 ** 20, maxHeaderBytes: 2 ** 20 };

/** The outcome of {@link decodeMessage}: a validated message, or the reason it was refused. */
export type DecodeResult =
  | { ok: true; header: Header; tensors: DecodedTensor[]; bytes: number }
  | { ok: false; reason: CodecRejectReason; detail: string; seq: number; type: MessageType | null; bytes: number };

/** Tensor frames ready to send, with their descriptors; shareable between several sends (read-only). */
export interface EncodedTensors {
  readonly descriptors: TensorDescriptor[];
  readonly frames: Buffer[];
  readonly bytes: number;
}

const packr = new Packr({ useRecords: false, moreTypes: false, bundleStrings: false, encodeUndefinedAsNil: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number', moreTypes: false });
const KNOWN_TYPES = new Set<unknown>(MESSAGE_TYPES);

function checkEndian(): void {
  if (!LITTLE_ENDIAN) throw errors.runtime('the Starling wire format is little-endian; this machine is big-endian');
}

/**
 * Copies (or, with `owned`, wraps) tensors into frames and builds their descriptors. Payloads are not
 * scanned for NaN/Inf here (the receiver does, and answers with an `error` of code `non-finite`);
 * scanning on both sides cost 10-25% of broadcast throughput. Use `firstNonFinite` to check early.
 */
export function encodeTensors(tensors: readonly TensorInput[]): EncodedTensors {
  checkEndian();
  if (tensors.length > MAX_TENSORS) throw errors.protocol(`a message carries at most ${MAX_TENSORS} tensors`);
  const descriptors: TensorDescriptor[] = [];
  const frames: Buffer[] = [];
  let bytes = 0;
  for (const t of tensors) {
    const dtype = dtypeOf(t.data);
    const { buffer, byteOffset, byteLength } = t.data;
    frames.push(t.owned ? Buffer.from(buffer, byteOffset, byteLength) : Buffer.copyBytesFrom(t.data));
    const d: TensorDescriptor = { name: t.name, dtype, length: t.data.length, bytes: t.data.byteLength };
    if (t.codec !== undefined) d.codec = t.codec;
    descriptors.push(d);
    bytes += t.data.byteLength;
  }
  return { descriptors, frames, bytes };
}

/** Packs a complete header after validating it; throws a `protocol` StarlingError when invalid. */
export function encodeHeader(header: Header): Buffer {
  const clean: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(header)) if (v !== undefined) clean[k] = v;
  const schema = HEADER_SCHEMAS[header.type];
  const problem = schema ? schema.check(clean, 'header') : `header.type must be one of ${MESSAGE_TYPES.join(', ')}`;
  if (problem !== null) throw errors.protocol(`refusing to send an invalid message: ${problem}`);
  return packr.pack(clean);
}

/**
 * Encodes one message as ZeroMQ frames: `[header, ...tensor frames]`. `header.tensors` is replaced by
 * the descriptors of `tensors`. The returned buffers belong to the transport and are never reused.
 */
export function encodeMessage(header: Omit<Header, 'tensors'>, tensors: readonly TensorInput[] = []): Buffer[] {
  const enc = encodeTensors(tensors);
  return [encodeHeader({ ...header, tensors: enc.descriptors } as Header), ...enc.frames];
}

/**
 * Decodes and validates one message (frames without the routing envelope). Never throws on bad
 * input: returns the reason instead. Checks, in order: frame count, total and header size, msgpack,
 * version, type, the type's strict schema, descriptor count = frame count, each frame's size, and
 * NaN/Inf in float payloads (f32 with `limits.nonFiniteScan` when given).
 */
export function decodeMessage(frames: readonly Buffer[], limits: DecodeOptions = DEFAULT_DECODE_LIMITS): DecodeResult {
  let bytes = 0;
  for (const f of frames) bytes += f.byteLength;
  let seq = -1;
  let type: MessageType | null = null;
  const fail = (reason: CodecRejectReason, detail: string): DecodeResult => ({
    ok: false,
    reason,
    detail,
    seq,
    type,
    bytes,
  });
  if (frames.length < 1 || frames.length > MAX_TENSORS + 1) {
    return fail('frames', `a message has 1..${MAX_TENSORS + 1} frames, got ${frames.length}`);
  }
  if (bytes > limits.maxMessageBytes) return fail('too-large', `message of ${bytes} bytes > ${limits.maxMessageBytes}`);
  if (frames[0].byteLength > limits.maxHeaderBytes) {
    return fail('header-size', `header of ${frames[0].byteLength} bytes > ${limits.maxHeaderBytes}`);
  }
  let raw: unknown;
  try {
    raw = unpackr.unpack(frames[0]);
  } catch (e) {
    return fail('msgpack', `header is not one msgpack value: ${(e as Error).message}`);
  }
  if (!isPlainObject(raw)) return fail('schema', `header must be a map, got ${describe(raw)}`);
  if (Number.isSafeInteger(raw.seq) && (raw.seq as number) >= 0) seq = raw.seq as number;
  if (raw.v !== PROTOCOL_VERSION)
    return fail('version', `header.v must be ${PROTOCOL_VERSION}, got ${describe(raw.v)}`);
  if (!KNOWN_TYPES.has(raw.type)) return fail('unknown-type', `header.type ${describe(raw.type)} is not a known type`);
  type = raw.type as MessageType;
  const why = { problem: null as string | null };
  if (!conforms<Header>(HEADER_SCHEMAS[type], raw, 'header', why)) return fail('schema', why.problem ?? 'header');
  const header = raw;
  if (header.tensors.length !== frames.length - 1) {
    return fail('tensor-count', `header describes ${header.tensors.length} tensors but ${frames.length - 1} followed`);
  }
  checkEndian();
  const tensors: DecodedTensor[] = [];
  for (let i = 0; i < header.tensors.length; i++) {
    const d = header.tensors[i];
    const frame = frames[i + 1];
    if (frame.byteLength !== d.bytes) {
      return fail('tensor-size', `tensor ${describe(d.name)} declares ${d.bytes} bytes, frame has ${frame.byteLength}`);
    }
    const data = viewFrame(frame, d.dtype);
    if (d.dtype === 'f32' || d.dtype === 'f64') {
      const scan = d.dtype === 'f32' ? (limits.nonFiniteScan ?? firstNonFinite) : firstNonFinite;
      const at = scan(data as Float32Array);
      if (at >= 0) return fail('non-finite', `tensor ${describe(d.name)} holds a non-finite value at index ${at}`);
    }
    const t: DecodedTensor = { name: d.name, dtype: d.dtype, length: d.length, data };
    tensors.push(d.codec === undefined ? t : { ...t, codec: d.codec });
  }
  return { ok: true, header, tensors, bytes };
}
