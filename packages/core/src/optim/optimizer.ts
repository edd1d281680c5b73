import { errors } from '../errors.js';
import { type Kernels, OPTIMIZER_STATE_SLOTS, type OptimizerStep } from '../kernels/kernels.js';
import { clipGlobalNorm } from './clip.js';
import type { OptimizerKind, OptimizerSpec } from './optimizer-kinds.js';
import { type ResolvedOptimizerSpec, resolveOptimizerSpec } from './optimizer-spec.js';
import type { Schedule } from './schedule.js';
import { makeSchedule } from './schedule-kinds.js';

/**
 * A checkpoint of an optimizer: the number of steps taken and copies of its state vectors
 * (in {@link OptimizerStep} order: [v] for momentum, [s] for adagrad/rmsprop, [s, u] for adadelta,
 * [m, v] for adam/adamw, none for sgd). Plain data; `load` also accepts `number[]` slots (from JSON).
 */
export interface OptimizerState {
  readonly kind: OptimizerKind;
  readonly step: number;
  readonly slots: readonly (Float32Array | readonly number[])[];
}

/** What one `step` did. */
export interface StepReport {
  /** The learning rate used, from the schedule at the step count before this step. */
  readonly lr: number;
  /** ‖g‖₂ of the gradient as given, before clipping. */
  readonly gradNorm: number;
  /** Whether clipping scaled the gradient down. */
  readonly clipped: boolean;
}

/**
 * A local optimizer over one flat parameter vector: gradient clipping, then the scheduled learning
 * rate, then one fused `kernels.optimizerStep`. Its state (per-coordinate vectors and the step count)
 * lives here and survives across rounds; `state()`/`load()` checkpoint it.
 */
export class Optimizer {
  /** The validated options, defaults filled in. */
  readonly options: ResolvedOptimizerSpec;
  /** The number of parameters. */
  readonly size: number;
  private readonly kernels: Kernels;
  private readonly schedule: Schedule;
  private readonly slots: Float32Array[];
  private readonly path: string;
  private t = 0;

  /**
   * @param spec the optimizer options (validated here; messages name `path.<option>`)
   * @param size the length of the flat parameter vector
   * @param path the option path used in error messages
   */
  constructor(spec: OptimizerSpec, size: number, kernels: Kernels, path = 'optimizer') {
    if (!Number.isSafeInteger(size) || size < 0) throw errors.shape('optimizer size', 'a non-negative integer', size);
    this.options = resolveOptimizerSpec(spec, path);
    this.schedule = makeSchedule(this.options.schedule, this.options.lr, `${path}.schedule`);
    this.size = size;
    this.kernels = kernels;
    this.path = path;
    this.slots = Array.from({ length: OPTIMIZER_STATE_SLOTS[this.options.kind] }, () => new Float32Array(size));
  }

  /** The number of steps taken so far (the `t` the schedule sees next). */
  get stepCount(): number {
    return this.t;
  }

  /** The learning rate the schedule gives at step `t` (default: the next step). */
  lrAt(t = this.t): number {
    return this.schedule(t);
  }

  /**
   * One update: clips `grad` in place when `clipNorm` is set, then updates `params` in place.
   * Both vectors have `size` entries.
   */
  step(params: Float32Array, grad: Float32Array): StepReport {
    if (params.length !== this.size) throw errors.shape('optimizer params length', this.size, params.length);
    if (grad.length !== this.size) throw errors.shape('optimizer grad length', this.size, grad.length);
    const clipNorm = this.options.clipNorm;
    const gradNorm =
      clipNorm === undefined ? Math.sqrt(this.kernels.sumSquares(grad)) : clipGlobalNorm(this.kernels, grad, clipNorm);
    const lr = this.schedule(this.t);
    const step = { ...this.options.step, lr } as OptimizerStep;
    if (step.kind === 'adam' || step.kind === 'adamw') step.t = this.t + 1;
    this.kernels.optimizerStep(step, params, grad, this.slots);
    this.t++;
    return { lr, gradNorm, clipped: clipNorm !== undefined && gradNorm > clipNorm && Number.isFinite(gradNorm) };
  }

  /** A checkpoint: the step count and copies of the state vectors. */
  state(): OptimizerState {
    return { kind: this.options.kind, step: this.t, slots: this.slots.map((s) => s.slice()) };
  }

  /** Restores a checkpoint taken from an optimizer of the same kind and size (the data is copied). */
  load(state: OptimizerState): void {
    const where = `${this.path} state`;
    if (state?.kind !== this.options.kind) throw errors.option(`${where}.kind`, `"${this.options.kind}"`, state?.kind);
    if (!Number.isSafeInteger(state.step) || state.step < 0) {
      throw errors.option(`${where}.step`, 'a non-negative integer', state.step);
    }
    const n = this.slots.length;
    if (!Array.isArray(state.slots) || state.slots.length !== n) {
      throw errors.option(`${where}.slots`, `${n} state vectors`, state.slots?.length);
    }
    state.slots.forEach((s, i) => {
      if (!(s instanceof Float32Array || Array.isArray(s)) || s.length !== this.size) {
        throw errors.option(`${where}.slots[${i}]`, `a vector of length ${this.size}`, s?.length);
      }
      for (let j = 0; j < s.length; j++) {
        if (!Number.isFinite(s[j])) throw errors.option(`${where}.slots[${i}][${j}]`, 'a finite number', s[j]);
      }
    });
    for (let i = 0; i < n; i++) this.slots[i].set(state.slots[i]);
    this.t = state.step;
  }
}
