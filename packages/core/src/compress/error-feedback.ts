import { errors } from '../errors.js';
import type { CompressContext, Compressor, CompressorState, Encoded } from './compressor.js';

const MEMORY_KEY = 'ef.memory';

/**
 * Error feedback around any compressor (EF-SGD; Karimireddy, Rebjock, Stich, Jaggi 2019, "Error
 * Feedback Fixes SignSGD and other Gradient Compression Schemes", Algorithm 2). With memory e
 * (initially 0): p = x + e; c = C(p); e ← p − D(c); send c. For x = η·g_t the receiver's iterate
 * x_{t+1} = x_t − D(c) keeps the virtual iterate x̃ = x − e on plain SGD: x̃_{t+1} = x̃_t − η·g_t.
 *
 * Stateful: keep one wrapper per (node, direction) (see `CompressorBank`); `state()` checkpoints the
 * memory as `ef.memory` next to the inner compressor's state. The wire format is the inner one's.
 */
export function withErrorFeedback(inner: Compressor): Compressor {
  if (inner.errorFeedback) throw errors.option('compression.errorFeedback', 'applied once', 'a nested wrapper');
  return new ErrorFeedback(inner);
}

class ErrorFeedback implements Compressor {
  readonly errorFeedback = true;
  private memory: Float32Array | null = null;
  private corrected: Float32Array | null = null;
  private decoded: Float32Array | null = null;

  constructor(private readonly inner: Compressor) {}

  get kind() {
    return this.inner.kind;
  }

  get size() {
    return this.inner.size;
  }

  compress(x: Float32Array, ctx: CompressContext): Encoded {
    if (x.length !== this.size) throw errors.shape(`${this.kind} compressor input length`, this.size, x.length);
    const e = (this.memory ??= new Float32Array(this.size));
    const p = (this.corrected ??= new Float32Array(this.size));
    const d = (this.decoded ??= new Float32Array(this.size));
    for (let i = 0; i < p.length; i++) p[i] = x[i] + e[i];
    const encoded = this.inner.compress(p, ctx);
    this.inner.decompress(encoded.bytes, d);
    for (let i = 0; i < p.length; i++) e[i] = p[i] - d[i];
    return encoded;
  }

  decompress(bytes: Uint8Array, out?: Float32Array): Float32Array {
    return this.inner.decompress(bytes, out);
  }

  state(): CompressorState {
    const inner = this.inner.state();
    return this.memory === null ? inner : { ...inner, [MEMORY_KEY]: this.memory.slice() };
  }

  load(state: CompressorState): void {
    const { [MEMORY_KEY]: memory, ...inner } = state;
    if (memory !== undefined && memory.length !== this.size) {
      throw errors.data('compressor state', `${MEMORY_KEY} has ${memory.length} entries, expected ${this.size}`);
    }
    this.inner.load(inner);
    this.memory = memory === undefined ? null : memory.slice();
  }
}
