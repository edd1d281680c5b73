import { decodeCompressed, errors, type Kernels, type Layout } from '@starling/core';
import type { DecodedTensor } from '@starling/transport';

/** `delta/<base>-<round>`: a downlink delta that turns the model of round `base` into that of `round`. */
const DELTA_NAME = /^delta\/(\d+)-(\d+)$/;

/**
 * A worker host's copy of the model its nodes train from, rebuilt from `task` frames (the parameter
 * server's `Downlink`): a `full` task carries the model as raw float32 (`model`, no codec) or as one
 * compressed payload (`model` with a `codec`); a `delta` task carries one or more compressed deltas
 * `delta/<base>-<round>` that are added, in order, to the copy of round `base`. Additions are float32,
 * element by element, exactly as the server forms its copy, so host and server hold the same bits.
 * A delta whose base is not the round this host holds throws a `protocol` error (`stale model`): the
 * host answers with an error and the server sends the full model next time.
 */
export class ModelReceiver {
  private model: Float32Array | null = null;
  private held = -1;
  private scratch: Float32Array | null = null;

  constructor(
    private readonly layout: Layout,
    private readonly kernels: Kernels,
  ) {}

  /** Forgets the held model (after a re-registration the server starts again with a full model). */
  reset(): void {
    this.model = null;
    this.held = -1;
  }

  /**
   * Applies a task's model frames for `round` and returns the model to train from (owned by this
   * receiver, and overwritten by the next `receive`).
   */
  receive(round: number, kind: 'full' | 'delta', tensors: readonly DecodedTensor[]): Float32Array {
    const size = this.layout.size;
    if (kind === 'full') {
      const t = tensors.length === 1 ? tensors[0] : undefined;
      if (t === undefined || t.name !== 'model') throw errors.protocol('a full task carries one tensor named model');
      // The previous copy is reused (fresh memory is slow to fault in; the caller copies what this
      // returns before the next task arrives); until it is complete this receiver holds no round.
      const out = this.model?.length === size ? this.model : new Float32Array(size);
      this.held = -1;
      if (t.codec === undefined) {
        if (!(t.data instanceof Float32Array) || t.data.length !== size) {
          throw errors.protocol(`task model must be ${size} float32 values, got ${t.length} ${t.dtype}`);
        }
        out.set(t.data);
      } else {
        this.decode(t, out);
      }
      this.model = out;
      this.held = round;
      return out;
    }
    const model = this.model;
    if (model === null || tensors.length === 0) throw errors.protocol('stale model: a delta task with no model held');
    const d = (this.scratch ??= new Float32Array(size));
    for (const t of tensors) {
      const m = DELTA_NAME.exec(t.name);
      if (m === null) throw errors.protocol(`delta task tensor ${JSON.stringify(t.name)} is not delta/<base>-<round>`);
      const [base, to] = [Number(m[1]), Number(m[2])];
      if (base !== this.held || to <= base) {
        throw errors.protocol(`stale model: delta ${base}-${to} does not apply to the model of round ${this.held}`);
      }
      this.decode(t, d);
      for (let i = 0; i < size; i++) model[i] += d[i];
      this.held = to;
    }
    if (this.held !== round) throw errors.protocol(`stale model: deltas reach round ${this.held}, task is ${round}`);
    return model;
  }

  private decode(t: DecodedTensor, out: Float32Array): void {
    if (!(t.data instanceof Uint8Array))
      throw errors.protocol(`compressed tensor ${t.name} must be u8, got ${t.dtype}`);
    const header = decodeCompressed(t.data, out, this.layout, this.kernels);
    if (header.kind !== t.codec) {
      throw errors.protocol(`tensor ${t.name} declares codec ${t.codec} but holds a ${header.kind} payload`);
    }
  }
}
