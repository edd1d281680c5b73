import { existsSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { errors } from '../errors.js';

/** The element types of the IDX format by their type byte (LeCun et al., "THE MNIST DATABASE"). */
export const IDX_TYPES = {
  8: { name: 'ubyte', bytes: 1 },
  9: { name: 'sbyte', bytes: 1 },
  11: { name: 'short', bytes: 2 },
  12: { name: 'int', bytes: 4 },
  13: { name: 'float', bytes: 4 },
  14: { name: 'double', bytes: 8 },
} as const;

/** An IDX element type name. */
export type IdxType = (typeof IDX_TYPES)[keyof typeof IDX_TYPES]['name'];

/** A decoded IDX array: `dims` are the sizes (outermost first) and `data` the values in row-major order. */
export interface IdxArray {
  readonly type: IdxType;
  readonly dims: readonly number[];
  readonly data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const hex = (value: number, width: number) => `0x${value.toString(16).padStart(width, '0')}`;

/** Reads a file, gunzipping it when it starts with the gzip magic bytes 1f 8b (whatever its name). */
export function readMaybeGzip(file: string): Uint8Array {
  if (!existsSync(file)) throw errors.data(file, 'does not exist');
  if (!statSync(file).isFile()) throw errors.data(file, 'is not a regular file');
  const raw = readFileSync(file);
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      return gunzipSync(raw);
    } catch (cause) {
      throw errors.data(file, `is not a valid gzip file (${(cause as Error).message})`, cause);
    }
  }
  return raw;
}

/**
 * Decodes an IDX file (plain or gzip-compressed). Layout: two zero bytes, a type byte (0x08 ubyte,
 * 0x09 sbyte, 0x0B short, 0x0C int, 0x0D float, 0x0E double), the number of dimensions, one big-endian
 * uint32 per dimension, then the values big-endian in row-major order.
 *
 * Rejects with a `data` error: a missing file, bad magic, an unknown type, zero dimensions, and a length
 * that differs from what the dimensions imply (truncated or trailing bytes).
 */
export function readIdx(file: string): IdxArray {
  const bytes = readMaybeGzip(file);
  if (bytes.length < 4) throw errors.data(file, `not an IDX file: only ${bytes.length} bytes`);
  const magic = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
  if (bytes[0] !== 0 || bytes[1] !== 0) throw errors.data(file, `not an IDX file: bad magic ${hex(magic, 8)}`);
  const spec = IDX_TYPES[bytes[2] as keyof typeof IDX_TYPES];
  if (spec === undefined) {
    throw errors.data(file, `not an IDX file: unknown type byte ${hex(bytes[2], 2)} in magic ${hex(magic, 8)}`);
  }
  const ndims = bytes[3];
  if (ndims === 0) throw errors.data(file, 'IDX file declares 0 dimensions');
  const header = 4 + 4 * ndims;
  if (bytes.length < header) throw errors.data(file, `truncated IDX header: ${ndims} dimensions need ${header} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let k = 0; k < ndims; k++) {
    const size = view.getUint32(4 + 4 * k, false);
    dims.push(size);
    count *= size;
  }
  const expected = header + count * spec.bytes;
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? 'truncated' : 'has trailing bytes';
    throw errors.data(
      file,
      `IDX file ${what}: dimensions [${dims.join(', ')}] of ${spec.name} need ${expected} bytes, found ${bytes.length}`,
    );
  }
  return { type: spec.name, dims, data: decode(view, header, count, spec.name) };
}

function decode(view: DataView, at: number, count: number, type: IdxType): IdxArray['data'] {
  switch (type) {
    case 'ubyte':
      return new Uint8Array(view.buffer, view.byteOffset + at, count);
    case 'sbyte':
      return new Int8Array(view.buffer, view.byteOffset + at, count);
    case 'short': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(at + 2 * i, false);
      return out;
    }
    case 'int': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(at + 4 * i, false);
      return out;
    }
    case 'float': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(at + 4 * i, false);
      return out;
    }
    case 'double': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(at + 8 * i, false);
      return out;
    }
  }
}
