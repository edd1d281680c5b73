import { errors } from '../errors.js';
import { jsKernels } from '../kernels/js.js';
import type { Kernels } from '../kernels/kernels.js';
import type { Layout } from '../layout.js';
import type { Rng } from '../rng/rng.js';
import { type CompressKernels, compressKernelsOf } from './compress-kernels.js';
import type { CompressContext, Compressor, CompressorKind, CompressorState, Encoded } from './compressor.js';
import { parseCompressorSpec, sparsityCount } from './compressor-spec.js';
import { decodeCompressed } from './decode.js';
import { encodeHalf, encodeNone } from './dense.js';
import { encodeDropout } from './dropout.js';
import { withErrorFeedback } from './error-feedback.js';
import { PowerSgdEncoder } from './power-sgd.js';
import { encodeQsgd } from './qsgd.js';
import { encodeRandK } from './random-k.js';
import { encodeSign } from './scaled-sign.js';
import { encodeTopK } from './top-k.js';
import { checkInput, HOST_LITTLE_ENDIAN, readHeader } from './wire.js';

/** Options of `makeCompressor`. */
export interface MakeCompressorOptions {
  /** The config path of the spec, used in error messages (default `compression`). */
  readonly path?: string;
  /** Kernels for PowerSGD's matrix products and, via `kernels.compress`, the fp16/bf16, sign and QSGD loops (default the JS reference). */
  readonly kernels?: Kernels;
}

interface Encoder {
  encode(x: Float32Array, rng: Rng): Encoded;
  /** True when `encode` itself throws `checkInput`'s error on a non-finite entry (one pass fewer). */
  readonly scansInput?: boolean;
  state?(): CompressorState;
  load?(state: CompressorState): void;
}

function encoderFor(
  spec: ReturnType<typeof parseCompressorSpec>,
  layout: Layout,
  path: string,
  kernels: Kernels,
): Encoder {
  const d = layout.size;
  const ck = compressKernelsOf(kernels);
  switch (spec.kind) {
    case 'none':
      return { encode: (x) => encodeNone(x) };
    case 'fp16':
    case 'bf16': {
      const kind = spec.kind;
      return { encode: (x) => encodeHalf(kind, x, ck) };
    }
    case 'qsgd':
      return { encode: (x, rng) => encodeQsgd(x, spec.levels, rng, ck), scansInput: true };
    case 'sign':
      return { encode: (x) => encodeSign(x, ck), scansInput: true };
    case 'topk': {
      const k = sparsityCount(spec, d, path);
      return { encode: (x) => encodeTopK(x, k) };
    }
    case 'randk': {
      const k = sparsityCount(spec, d, path);
      return { encode: (x, rng) => encodeRandK(x, k, spec.unbiased ?? false, rng) };
    }
    case 'dropout':
      return { encode: (x, rng) => encodeDropout(x, spec.p, spec.unbiased ?? false, rng) };
    case 'powersgd':
      return new PowerSgdEncoder(layout, spec.rank, kernels);
  }
}

class KindCompressor implements Compressor {
  readonly errorFeedback = false;
  private readonly ck: CompressKernels;

  constructor(
    readonly kind: CompressorKind,
    private readonly layout: Layout,
    private readonly encoder: Encoder,
    private readonly kernels: Kernels,
  ) {
    this.ck = compressKernelsOf(kernels);
  }

  get size() {
    return this.layout.size;
  }

  compress(x: Float32Array, ctx: CompressContext): Encoded {
    // The finite scan runs in the kernels (or in the encoder's own sum); checkInput only reports.
    const scanned = this.encoder.scansInput === true;
    if (!(x instanceof Float32Array) || x.length !== this.size || (!scanned && this.ck.firstNonFinite(x) >= 0)) {
      checkInput(this.kind, x, this.size);
    }
    return this.encoder.encode(x, ctx.rng.fork(`compress:${this.kind}`, ctx.round));
  }

  decompress(bytes: Uint8Array, out: Float32Array = new Float32Array(this.size)): Float32Array {
    const { kind } = readHeader(bytes);
    if (kind !== this.kind) throw errors.protocol(`compressed payload: expected kind ${this.kind}, got ${kind}`);
    decodeCompressed(bytes, out, this.layout, this.kernels);
    return out;
  }

  state(): CompressorState {
    return this.encoder.state?.() ?? {};
  }

  load(state: CompressorState): void {
    const keys = Object.keys(state);
    if (this.encoder.load) this.encoder.load(state);
    else if (keys.length > 0)
      throw errors.data('compressor state', `${this.kind} keeps no state, got ${keys.join(', ')}`);
  }
}

/**
 * Builds a compressor for `layout` from a config spec (validated here; see `parseCompressorSpec`),
 * wrapped in error feedback when `spec.errorFeedback` is true. Compressors are stateful when they use
 * error feedback or PowerSGD: make one per (node, direction).
 */
export function makeCompressor(spec: unknown, layout: Layout, options: MakeCompressorOptions = {}): Compressor {
  if (!HOST_LITTLE_ENDIAN) throw errors.backend('Starling compressors need a little-endian host');
  const path = options.path ?? 'compression';
  const kernels = options.kernels ?? jsKernels;
  const parsed = parseCompressorSpec(spec, path);
  const base = new KindCompressor(parsed.kind, layout, encoderFor(parsed, layout, path, kernels), kernels);
  return parsed.errorFeedback ? withErrorFeedback(base) : base;
}
