import type { Activation } from '../kernels/kernels.js';
import type { Layer } from './layers/layer.js';

/** Per-layer views for one batch size: pre-activations z, outputs a, deltas d and the layers' aux scratch. */
export interface BatchViews {
  readonly z: Float32Array[];
  readonly a: Float32Array[];
  readonly auxF32: Float32Array[];
  readonly auxI32: Int32Array[];
  /** ∂L/∂a per layer; null until a backward path asks for it at this batch size. */
  d: Float32Array[] | null;
}

const GROWTH = 1.25;

/**
 * The work buffers of a `Sequential` network: one allocation per layer sized for the largest batch seen
 * (grown by 1.25× so Poisson lots settle quickly) and views per batch size cached on top, so a step
 * allocates nothing once its batch size has been seen. A layer whose activation (`acts[l]`, where the
 * network applies it) is the identity uses its z as its output; a flatten layer owns no buffers (the
 * network reads its input's).
 */
export class SequentialBuffers {
  private capacity = 0;
  private readonly views = new Map<number, BatchViews>();
  private z: Float32Array[] = [];
  private a: Float32Array[] = [];
  private d: Float32Array[] = [];
  private auxF32: Float32Array[] = [];
  private auxI32: Int32Array[] = [];

  constructor(
    private readonly layers: readonly Layer[],
    private readonly acts: readonly Activation[],
  ) {}

  /** Views for `batch` examples; the delta buffers are allocated on the first call `withDeltas`. */
  at(batch: number, withDeltas: boolean): BatchViews {
    if (batch > this.capacity) this.grow(Math.max(batch, Math.ceil(this.capacity * GROWTH)));
    let v = this.views.get(batch);
    if (!v) {
      v = {
        z: this.z.map((b, l) => b.subarray(0, batch * this.sizeOf(l))),
        a: this.a.map((b, l) => b.subarray(0, batch * this.sizeOf(l))),
        auxF32: this.auxF32.map((b, l) => b.subarray(0, batch * this.layers[l].auxF32)),
        auxI32: this.auxI32.map((b, l) => b.subarray(0, batch * this.layers[l].auxI32)),
        d: null,
      };
      this.views.set(batch, v);
    }
    if (withDeltas && v.d === null) {
      if (this.d.length === 0) this.d = this.perLayer(this.capacity);
      v.d = this.d.map((b, l) => b.subarray(0, batch * this.sizeOf(l)));
    }
    return v;
  }

  /** Floats per example of layer l's own buffers (0 for flatten, which has none). */
  private sizeOf(l: number): number {
    const layer = this.layers[l];
    if (layer.type === 'flatten') return 0;
    return layer.output.c * layer.output.h * layer.output.w;
  }

  private perLayer(capacity: number): Float32Array[] {
    return this.layers.map((_, l) => new Float32Array(capacity * this.sizeOf(l)));
  }

  private grow(capacity: number): void {
    this.capacity = capacity;
    this.views.clear();
    this.z = this.perLayer(capacity);
    this.a = this.layers.map((_, l) =>
      this.acts[l] === 'identity' ? this.z[l] : new Float32Array(capacity * this.sizeOf(l)),
    );
    this.d = this.d.length === 0 ? [] : this.perLayer(capacity);
    this.auxF32 = this.layers.map((l) => new Float32Array(capacity * l.auxF32));
    this.auxI32 = this.layers.map((l) => new Int32Array(capacity * l.auxI32));
  }
}
