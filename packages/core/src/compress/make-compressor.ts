import { errors } from '../errors.js';
import { jsKernels } from '../kernels/js.js';
import type { Kernels } from '../kernels/kernels.js';
import type { Layout } from '../layout.js';
import { type CompressKernels, compressKernelsOf } from './compress-kernels.js';
import type { CompressContext, Compressor, CompressorKind, CompressorState, Encoded } from './compressor.js';
import type { Encoder } from './compressor-entry.js';
import { compressorEntry, parseCompressorSpec, readHeader } from './compressors.js';
import { decodeCompressed } from './decode.js';
import { withErrorFeedback } from './error-feedback.js';
import { checkInput, HOST_LITTLE_ENDIAN } from './wire.js';

/** Options of `makeCompressor`. */
export interface MakeCompressorOptions {
  /** The config path of the spec, used in error messages (default `compression`). */
  readonly path?: string;
  /** Kernels for PowerSGD's matrix products and, via `kernels.compress`, the fp16/bf16, sign and QSGD loops (default the JS reference). */
  readonly kernels?: Kernels;
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
 * Builds a compressor for `layout` from a config spec of any kind in the `compressors` table (validated
 * here; see `parseCompressorSpec`), wrapped in error feedback when `spec.errorFeedback` is true.
 * Compressors are stateful when they use error feedback or PowerSGD: make one per (node, direction).
 */
export function makeCompressor(spec: unknown, layout: Layout, options: MakeCompressorOptions = {}): Compressor {
  if (!HOST_LITTLE_ENDIAN) throw errors.backend('Starling compressors need a little-endian host');
  const path = options.path ?? 'compression';
  const kernels = options.kernels ?? jsKernels;
  const parsed = parseCompressorSpec(spec, path);
  const encoder = compressorEntry(parsed.kind).encoder(parsed, layout, { path, kernels });
  const base = new KindCompressor(parsed.kind, layout, encoder, kernels);
  return parsed.errorFeedback ? withErrorFeedback(base) : base;
}
