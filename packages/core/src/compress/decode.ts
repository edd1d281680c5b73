import { errors } from '../errors.js';
import { jsKernels } from '../kernels/js.js';
import type { Kernels } from '../kernels/kernels.js';
import type { Layout } from '../layout.js';
import { compressorEntry, readHeader } from './compressors.js';
import type { PayloadHeader } from './wire.js';

/**
 * Decodes any compressed payload for `layout` into `out` (length `layout.size`): the kind and its
 * parameters come from the payload's own header, so the receiver needs no compressor instance; the
 * kind's decoder comes from the `compressors` table. Every field is validated; a malformed payload
 * throws a `protocol` StarlingError (and leaves `out` partly written). `kernels` computes PowerSGD's
 * P̂·Qᵀ and, through `kernels.compress`, the fp16/bf16, sign and QSGD loops.
 */
export function decodeCompressed(
  bytes: Uint8Array,
  out: Float32Array,
  layout: Layout,
  kernels: Kernels = jsKernels,
): PayloadHeader {
  if (out.length !== layout.size) throw errors.shape('decode output length', layout.size, out.length);
  const header = readHeader(bytes);
  if (header.length !== out.length) {
    throw errors.protocol(`${header.kind} payload: length is ${header.length} floats, expected ${out.length}`);
  }
  compressorEntry(header.kind).decode(bytes, header, out, layout, kernels);
  return header;
}
