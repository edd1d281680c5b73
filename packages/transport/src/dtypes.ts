import { errors } from '@starling/core';

/** Element types a tensor frame may carry; all little-endian. Compressed payloads travel as `u8`. */
export const DTYPES = ['f32', 'f64', 'i32', 'u32', 'i16', 'u16', 'i8', 'u8'] as const;

/** One of {@link DTYPES}. */
export type Dtype = (typeof DTYPES)[number];

/** The typed array that holds a tensor of each dtype. */
export type TensorArray =
  | Float32Array
  | Float64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array;

type ArrayCtor = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TensorArray;
  readonly BYTES_PER_ELEMENT: number;
};

const CTORS: Record<Dtype, ArrayCtor> = {
  f32: Float32Array,
  f64: Float64Array,
  i32: Int32Array,
  u32: Uint32Array,
  i16: Int16Array,
  u16: Uint16Array,
  i8: Int8Array,
  u8: Uint8Array,
};

/** Bytes per element of a dtype. */
export function itemSize(dtype: Dtype): number {
  return CTORS[dtype].BYTES_PER_ELEMENT;
}

/** The dtype of a typed array (a Node Buffer counts as `u8`); throws for other array types. */
export function dtypeOf(data: ArrayBufferView): Dtype {
  if (data instanceof Float32Array) return 'f32';
  if (data instanceof Float64Array) return 'f64';
  if (data instanceof Int32Array) return 'i32';
  if (data instanceof Uint32Array) return 'u32';
  if (data instanceof Int16Array) return 'i16';
  if (data instanceof Uint16Array) return 'u16';
  if (data instanceof Int8Array) return 'i8';
  if (data instanceof Uint8Array) return 'u8';
  throw errors.protocol(`tensor data must be a Float32/Float64/Int32/Uint32/Int16/Uint16/Int8/Uint8Array`);
}

/**
 * A typed-array view of a received frame. Copies into a fresh buffer only when the frame's byte
 * offset is not a multiple of the element size (libzmq may hand out small frames at any offset).
 * Precondition: `frame.byteLength` is a multiple of the element size.
 */
export function viewFrame(frame: Uint8Array, dtype: Dtype): TensorArray {
  const ctor = CTORS[dtype];
  const size = ctor.BYTES_PER_ELEMENT;
  const length = frame.byteLength / size;
  if (frame.byteOffset % size === 0) return new ctor(frame.buffer, frame.byteOffset, length);
  const copy = new Uint8Array(frame.byteLength);
  copy.set(frame);
  return new ctor(copy.buffer, 0, length);
}

/** True when this machine stores numbers little-endian (the wire order); checked once at encode/decode. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
