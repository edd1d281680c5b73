import { errors } from '../errors.js';
import { IDX_TYPES, type IdxArray, type IdxType } from './idx.js';

/**
 * Encodes an array in the IDX format (the inverse of {@link readIdx}): magic `00 00 <type> <ndims>`,
 * big-endian uint32 sizes, then the values big-endian. Gzip the result for a `.gz` file.
 */
export function encodeIdx(array: IdxArray): Uint8Array {
  const entry = Object.entries(IDX_TYPES).find(([, spec]) => spec.name === array.type);
  if (entry === undefined)
    throw errors.option(
      'idx.type',
      Object.values(IDX_TYPES)
        .map((t) => t.name)
        .join(', '),
      array.type,
    );
  const [code, spec] = entry;
  const count = array.dims.reduce((a, b) => a * b, 1);
  if (array.data.length !== count)
    throw errors.shape(`IDX data for dims [${array.dims.join(', ')}]`, count, array.data.length);
  const header = 4 + 4 * array.dims.length;
  const out = new Uint8Array(header + count * spec.bytes);
  const view = new DataView(out.buffer);
  out[2] = Number(code);
  out[3] = array.dims.length;
  array.dims.forEach((size, k) => {
    view.setUint32(4 + 4 * k, size, false);
  });
  for (let i = 0; i < count; i++) write(view, header + i * spec.bytes, array.type, array.data[i]);
  return out;
}

function write(view: DataView, at: number, type: IdxType, value: number): void {
  switch (type) {
    case 'ubyte':
      view.setUint8(at, value);
      return;
    case 'sbyte':
      view.setInt8(at, value);
      return;
    case 'short':
      view.setInt16(at, value, false);
      return;
    case 'int':
      view.setInt32(at, value, false);
      return;
    case 'float':
      view.setFloat32(at, value, false);
      return;
    case 'double':
      view.setFloat64(at, value, false);
      return;
  }
}
