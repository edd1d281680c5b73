import { errors } from '../errors.js';
import { jsKernels } from '../kernels/js.js';
import type { Kernels } from '../kernels/kernels.js';
import type { Layout } from '../layout.js';
import { compressKernelsOf } from './compress-kernels.js';
import { decodeHalf, decodeNone } from './dense.js';
import { decodeDropout } from './dropout.js';
import { decodePowerSgd } from './power-sgd.js';
import { decodeQsgd } from './qsgd.js';
import { decodeRandK } from './random-k.js';
import { decodeSign } from './scaled-sign.js';
import { decodeTopK } from './top-k.js';
import { type PayloadHeader, readHeader } from './wire.js';

/**
 * Decodes any compressed payload for `layout` into `out` (length `layout.size`): the kind and its
 * parameters come from the payload's own header, so the receiver needs no compressor instance. Every
 * field is validated; a malformed payload throws a `protocol` StarlingError (and leaves `out` partly
 * written). `kernels` computes PowerSGD's P̂·Qᵀ and, through `kernels.compress`, the fp16/bf16, sign
 * and QSGD loops.
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
  switch (header.kind) {
    case 'none':
      decodeNone(bytes, header, out);
      break;
    case 'fp16':
    case 'bf16':
      decodeHalf(bytes, header, out, compressKernelsOf(kernels));
      break;
    case 'qsgd':
      decodeQsgd(bytes, header, out, compressKernelsOf(kernels));
      break;
    case 'sign':
      decodeSign(bytes, header, out, compressKernelsOf(kernels));
      break;
    case 'topk':
      decodeTopK(bytes, header, out);
      break;
    case 'randk':
      decodeRandK(bytes, header, out);
      break;
    case 'dropout':
      decodeDropout(bytes, header, out);
      break;
    case 'powersgd':
      decodePowerSgd(bytes, header, out, layout, kernels);
      break;
  }
  return header;
}
