import { errors } from '@starling/core';
import { Packr, Unpackr } from 'msgpackr';
import { type JoinScratch, joinFrames, splitFrame } from './chunks.js';
import { type Dtype, dtypeOf, LITTLE_ENDIAN, type TensorArray, viewFrame } from './dtypes.js';
import { HEADER_SCHEMAS, type Header, type TensorDescriptor } from './messages.js';
import { firstNonFinite, type NonFiniteScan } from './non-finite.js';
import {
  DEFAULT_CHUNK_BYTES,
  DEFAULT_MAX_PAYLOAD_BYTES,
  MAX_PAYLOAD_FRAMES,
  MAX_TENSORS,
  MESSAGE_TYPES,
  type MessageType,
  PROTOCOL_VERSION,
} from './protocol.js';
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
  /** Largest accepted message payload: all tensor frames together (the header has its own limit). */
  readonly maxMessageBytes: number;
  /** Largest accepted header frame. */
  readonly maxHeaderBytes: number;
}

/** {@link DecodeLimits} plus an optional faster NaN/Inf scan of float32 payloads. */
export interface DecodeOptions extends DecodeLimits {
  /** Used instead of `firstNonFinite` on f32 frames; must agree with it (see `checkNonFiniteScan`). */
  readonly nonFiniteScan?: NonFiniteScan;
  /**
   * Where chunked payloads are joined: reused buffers, so such a tensor's data is only valid until the
   * next message is decoded. Default: a fresh buffer per chunked tensor.
   */
  readonly joinScratch?: JoinScratch;
}

/** Defaults: 256 MiB of tensor payload per message, 1 MiB per header. */
export const DEFAULT_DECODE_LIMITS: DecodeLimits = {
  maxMessageBytes: DEFAULT_MAX_PAYLOAD_BYTES,
  maxHeaderBytes: 2 ** 20,
};

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
 * Copies (or, with `owned`, wraps) tensors into frames and builds their descriptors. A tensor of more
 * than `chunkBytes` bytes becomes `chunks` consecutive frames (views of one copy, in pieces of
 * `chunkBytes`, the last one shorter), so no frame starves ZMTP heartbeats on the wire. Payloads are not
 * scanned for NaN/Inf here (the receiver does, and answers with an `error` of code `non-finite`);
 * scanning on both sides cost 10-25% of broadcast throughput. Use `firstNonFinite` to check early.
 */
export function encodeTensors(tensors: readonly TensorInput[], chunkBytes = DEFAULT_CHUNK_BYTES): EncodedTensors {
  checkEndian();
  if (tensors.length > MAX_TENSORS) throw errors.protocol(`a message carries at most ${MAX_TENSORS} tensors`);
  if (!Number.isSafeInteger(chunkBytes) || chunkBytes < 1)
    throw errors.protocol('chunkBytes must be a positive integer');
  const descriptors: TensorDescriptor[] = [];
  const frames: Buffer[] = [];
  let bytes = 0;
  for (const t of tensors) {
    const dtype = dtypeOf(t.data);
    const { buffer, byteOffset, byteLength } = t.data;
    const frame = t.owned ? Buffer.from(buffer, byteOffset, byteLength) : Buffer.copyBytesFrom(t.data);
    const chunks = splitFrame(frame, chunkBytes);
    for (const c of chunks) frames.push(c);
    const d: TensorDescriptor = { name: t.name, dtype, length: t.data.length, bytes: byteLength };
    if (t.codec !== undefined) d.codec = t.codec;
    if (chunks.length > 1) d.chunks = chunks.length;
    descriptors.push(d);
    bytes += byteLength;
  }
  if (frames.length > MAX_PAYLOAD_FRAMES) {
    throw errors.protocol(`a message carries at most ${MAX_PAYLOAD_FRAMES} payload frames, got ${frames.length}`);
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
 * Encodes one message as ZeroMQ frames: `[header, ...tensor frames]` (a tensor above `chunkBytes` as
 * several frames). `header.tensors` is replaced by the descriptors of `tensors`. The returned buffers
 * belong to the transport and are never reused.
 */
export function encodeMessage(
  header: Omit<Header, 'tensors'>,
  tensors: readonly TensorInput[] = [],
  chunkBytes = DEFAULT_CHUNK_BYTES,
): Buffer[] {
  const enc = encodeTensors(tensors, chunkBytes);
  return [encodeHeader({ ...header, tensors: enc.descriptors } as Header), ...enc.frames];
}

/**
 * Decodes and validates one message (frames without the routing envelope). Never throws on bad
 * input: returns the reason instead. Checks, in order: frame count, payload and header size, msgpack,
 * version, type, the type's strict schema, frames described = frames present, each payload's size (a
 * chunked payload is joined into one fresh buffer), and NaN/Inf in float payloads (f32 with
 * `limits.nonFiniteScan` when given).
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
  if (frames.length < 1 || frames.length > MAX_PAYLOAD_FRAMES + 1) {
    return fail('frames', `a message has 1..${MAX_PAYLOAD_FRAMES + 1} frames, got ${frames.length}`);
  }
  const payload = bytes - frames[0].byteLength;
  if (payload > limits.maxMessageBytes) {
    return fail('too-large', `message payload of ${payload} bytes > ${limits.maxMessageBytes}`);
  }
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
  let described = 0;
  for (const d of header.tensors) described += d.chunks ?? 1;
  if (described !== frames.length - 1) {
    return fail('tensor-count', `header describes ${described} payload frames but ${frames.length - 1} followed`);
  }
  checkEndian();
  const tensors: DecodedTensor[] = [];
  let next = 1;
  for (const [index, d] of header.tensors.entries()) {
    const count = d.chunks ?? 1;
    const frame = joinFrames(frames, next, count, d.bytes, limits.joinScratch, index);
    if (frame === null) {
      let got = 0;
      for (let i = next; i < next + count; i++) got += frames[i].byteLength;
      const what = count === 1 ? 'frame has' : `its ${count} chunks (each non-empty) have`;
      return fail('tensor-size', `tensor ${describe(d.name)} declares ${d.bytes} bytes, ${what} ${got}`);
    }
    next += count;
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
