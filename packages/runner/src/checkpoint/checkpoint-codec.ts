import { createHash } from 'node:crypto';
import { errors } from '@starling/core';

/**
 * A value a checkpoint can hold: JSON values, typed arrays (stored as raw little-endian blobs, so a
 * 200 MB model costs one copy, not a text encoding), bigints and the non-finite numbers JSON lacks.
 * Numbers round-trip exactly (JSON text is the shortest representation that parses back to the same
 * double).
 */
export type CheckpointValue =
  | null
  | boolean
  | number
  | string
  | bigint
  | Float32Array
  | Float64Array
  | Int32Array
  | Uint32Array
  | Uint8Array
  | readonly CheckpointValue[]
  | { readonly [key: string]: CheckpointValue | undefined };

/** What one checkpoint file holds. */
export interface CheckpointBody {
  /** The run's name (`config.name`): resume refuses a checkpoint of another run. */
  readonly run: string;
  /** SHA-256 of the resolved config the run started with (resume refuses a different config). */
  readonly configSha256: string;
  /** The last completed round (0-based): resume continues with `round + 1`. */
  readonly round: number;
  /** Which driver wrote `state` (`federated` or `gossip`). */
  readonly driver: string;
  /** The driver's state; its shape belongs to the driver (see docs/checkpoints.md). */
  readonly state: CheckpointValue;
}

/** File magic, format version and the fixed prefix length (magic 8 + version 4 + header length 4 + SHA-256 32). */
const MAGIC = Buffer.from('STRLCKPT', 'latin1');
export const CHECKPOINT_FORMAT = 1;
const PREFIX = 48;

const DTYPES = {
  f32: Float32Array,
  f64: Float64Array,
  i32: Int32Array,
  u32: Uint32Array,
  u8: Uint8Array,
} as const;
type Dtype = keyof typeof DTYPES;
type Typed = InstanceType<(typeof DTYPES)[Dtype]>;

function dtypeOf(v: unknown): Dtype | null {
  if (v instanceof Float32Array) return 'f32';
  if (v instanceof Float64Array) return 'f64';
  if (v instanceof Int32Array) return 'i32';
  if (v instanceof Uint32Array) return 'u32';
  if (v instanceof Uint8Array) return 'u8';
  return null;
}

const align8 = (n: number) => (n + 7) & ~7;

/**
 * Encodes a checkpoint as buffers to write in order (prefix, header JSON, padded blobs). Layout
 * (docs/checkpoints.md): `STRLCKPT`, u32 LE format version, u32 LE header length H, SHA-256 of every
 * byte after the prefix, H bytes of UTF-8 JSON zero-padded to a multiple of 8, then the blob area: each
 * blob's raw little-endian bytes, zero-padded to a multiple of 8. Typed arrays in `body.state` become
 * `{"$blob": i, "dtype": d, "length": n, "offset": o}` in the header (`o`: byte offset in the blob area).
 */
export function encodeCheckpoint(body: CheckpointBody): Buffer[] {
  const blobs: Typed[] = [];
  // Blob offsets count from the first byte after the prefix; the header length is only known after
  // encoding, so offsets are relative to the blob area and fixed up on decode.
  let blobBytes = 0;
  const toJson = (v: CheckpointValue | undefined): unknown => {
    if (v === undefined || v === null || typeof v === 'boolean' || typeof v === 'string') return v;
    if (typeof v === 'number') return Number.isFinite(v) ? v : { $num: String(v) };
    if (typeof v === 'bigint') return { $bigint: v.toString() };
    const dtype = dtypeOf(v);
    if (dtype !== null) {
      const t = v as Typed;
      blobs.push(t);
      const at = blobBytes;
      blobBytes += align8(t.byteLength);
      return { $blob: blobs.length - 1, dtype, length: t.length, offset: at };
    }
    if (Array.isArray(v)) return v.map(toJson);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = toJson(x);
    return out;
  };
  const header = Buffer.from(JSON.stringify({ format: CHECKPOINT_FORMAT, ...body, state: toJson(body.state) }), 'utf8');
  const parts: Buffer[] = [header];
  const headerPad = align8(header.length) - header.length;
  if (headerPad > 0) parts.push(Buffer.alloc(headerPad));
  for (const b of blobs) {
    parts.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    const pad = align8(b.byteLength) - b.byteLength;
    if (pad > 0) parts.push(Buffer.alloc(pad));
  }
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p);
  const prefix = Buffer.alloc(PREFIX);
  MAGIC.copy(prefix, 0);
  prefix.writeUInt32LE(CHECKPOINT_FORMAT, 8);
  prefix.writeUInt32LE(header.length, 12);
  hash.digest().copy(prefix, 16);
  return [prefix, ...parts];
}

/**
 * Decodes and verifies a checkpoint file's bytes. Throws a `data` StarlingError naming `file` when the
 * magic, version, checksum or structure is wrong (a truncated or corrupted file never decodes).
 * Typed arrays are fresh copies (aligned, independent of `bytes`).
 */
export function decodeCheckpoint(bytes: Buffer, file: string): CheckpointBody {
  const bad = (problem: string) => errors.data(file, `not a usable checkpoint: ${problem}`);
  if (bytes.length < PREFIX || !bytes.subarray(0, 8).equals(MAGIC)) throw bad('no STRLCKPT header');
  const version = bytes.readUInt32LE(8);
  if (version !== CHECKPOINT_FORMAT) throw bad(`format ${version}, this Starling reads ${CHECKPOINT_FORMAT}`);
  const digest = createHash('sha256').update(bytes.subarray(PREFIX)).digest();
  if (!digest.equals(bytes.subarray(16, PREFIX))) throw bad('checksum mismatch (truncated or corrupted)');
  const headerLength = bytes.readUInt32LE(12);
  const area = PREFIX + align8(headerLength);
  let parsed: { format: number; state: unknown } & Omit<CheckpointBody, 'state'>;
  try {
    parsed = JSON.parse(bytes.toString('utf8', PREFIX, PREFIX + headerLength));
  } catch {
    throw bad('header is not JSON');
  }
  const fromJson = (v: unknown): CheckpointValue => {
    if (v === null || typeof v !== 'object') return v as CheckpointValue;
    if (Array.isArray(v)) return v.map(fromJson);
    const o = v as Record<string, unknown>;
    if (typeof o.$num === 'string') return Number(o.$num);
    if (typeof o.$bigint === 'string') return BigInt(o.$bigint);
    if (typeof o.$blob === 'number') {
      const ctor = DTYPES[o.dtype as Dtype];
      const { length, offset } = o;
      if (!ctor || !Number.isSafeInteger(length) || !Number.isSafeInteger(offset)) {
        throw bad(`blob ${o.$blob} has no valid dtype, length or offset`);
      }
      const start = area + (offset as number);
      const end = start + (length as number) * ctor.BYTES_PER_ELEMENT;
      if (end > bytes.length) throw bad(`blob ${o.$blob} runs past the end of the file`);
      const out = new ctor(length as number);
      bytes.copy(new Uint8Array(out.buffer), 0, start, end);
      return out;
    }
    const out: Record<string, CheckpointValue> = {};
    for (const [k, x] of Object.entries(o)) out[k] = fromJson(x);
    return out;
  };
  const state = fromJson(parsed.state);
  if (typeof parsed.round !== 'number' || typeof parsed.run !== 'string' || typeof parsed.driver !== 'string') {
    throw bad('header lacks run, round or driver');
  }
  return { run: parsed.run, configSha256: parsed.configSha256, round: parsed.round, driver: parsed.driver, state };
}
