import { errors } from '../errors.js';
import { type Kernels, OPTIMIZER_STATE_SLOTS, type OptimizerStep } from '../kernels/kernels.js';
import type { DeltaSink } from '../train/local-training.js';
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

/**
 * The live state one client's optimizer carries from round to round: the step count (what the schedule
 * sees next) and the state vectors, `null` until the first step or `load` needs them (then zeros, in
 * {@link OptimizerStep} order). Many clients share one {@link Optimizer}, each binding its own memory.
 */
export interface OptimizerMemory {
  step: number;
  slots: Float32Array[] | null;
}

/** The memory of a client that has not trained yet: step 0, no vectors allocated. */
export function freshOptimizerMemory(): OptimizerMemory {
  return { step: 0, slots: null };
}

/** What one `step` did. */
export interface StepReport {
  /** The learning rate used, from the schedule at the step count before this step. */
  readonly lr: number;
  /**
   * ‖g‖₂ of the gradient as given, before clipping, when `clipNorm` is set; null otherwise (not
   * measured: it would cost a pass over the gradient on every step).
   */
  readonly gradNorm: number | null;
  /** Whether clipping scaled the gradient down. */
  readonly clipped: boolean;
}

/**
 * A local optimizer over one flat parameter vector: gradient clipping, then the scheduled learning
 * rate, then one fused `kernels.optimizerStep`. Its state (per-coordinate vectors and the step count)
 * is an {@link OptimizerMemory}: its own by default, or a client's after `bind` (so one optimizer
 * serves many virtual clients, and a client without state costs no model-sized memory). The vectors
 * are allocated on first use. `state()`/`load()` checkpoint the bound memory.
 */
export class Optimizer {
  /** The validated options, defaults filled in. */
  readonly options: ResolvedOptimizerSpec;
  /** The number of parameters. */
  readonly size: number;
  private readonly kernels: Kernels;
  private readonly schedule: Schedule;
  private readonly slotCount: number;
  private readonly path: string;
  private memory: OptimizerMemory = freshOptimizerMemory();

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
    this.slotCount = OPTIMIZER_STATE_SLOTS[this.options.kind];
  }

  /**
   * Makes `memory` the state this optimizer steps and checkpoints from now on (not copied: steps
   * update it in place). Its vectors, when present, must be `slots` vectors of length `size`.
   */
  bind(memory: OptimizerMemory): void {
    const slots = memory.slots;
    if (slots !== null && (slots.length !== this.slotCount || slots.some((v) => v.length !== this.size))) {
      const found = `${slots.length} vectors of lengths [${slots.map((v) => v.length).join(', ')}]`;
      throw errors.shape(`${this.path} memory`, `${this.slotCount} vectors of length ${this.size}`, found);
    }
    this.memory = memory;
  }

  /** The number of steps taken so far (the `t` the schedule sees next). */
  get stepCount(): number {
    return this.memory.step;
  }

  /** The state vectors of the bound memory, allocated (zeros) on first use. */
  private slots(): Float32Array[] {
    this.memory.slots ??= Array.from({ length: this.slotCount }, () => new Float32Array(this.size));
    return this.memory.slots;
  }

  /** The learning rate the schedule gives at step `t` (default: the next step). */
  lrAt(t = this.memory.step): number {
    return this.schedule(t);
  }

  /**
   * One update: clips `grad` in place when `clipNorm` is set, then updates `params` in place.
   * Both vectors have `size` entries.
   */
  step(params: Float32Array, grad: Float32Array): StepReport {
    const { t, lr, report } = this.begin(params, grad);
    const step = { ...this.options.step, lr } as OptimizerStep;
    if (step.kind === 'adam' || step.kind === 'adamw') step.t = t + 1;
    this.kernels.optimizerStep(step, params, grad, this.slots());
    this.memory.step = t + 1;
    return report;
  }

  /**
   * {@link step} out of place: reads `params`, writes the updated parameters to `out` (`params` untouched;
   * all three of `size` entries, `out` disjoint from both). The bits (and state, step count, clipping of
   * `grad`) of `out.set(params)` then `step(out, grad)`; plain SGD does it in one pass (`kernels.sgdInto`).
   */
  stepInto(params: Float32Array, grad: Float32Array, out: Float32Array): StepReport {
    const sgdInto = this.kernels.sgdInto;
    if (this.options.kind !== 'sgd' || sgdInto === undefined) {
      out.set(params);
      return this.step(out, grad);
    }
    const p = this.plainSgd(params, grad);
    sgdInto.call(this.kernels, p.lr, p.l2, params, grad, out);
    return p.report;
  }

  /**
   * Plain SGD only (else null, nothing done): one {@link step} fused with the update it ends,
   * `delta ← (params − lr·(grad + wd·params)) − base` (`kernels.sgdDelta`), `params` untouched; returns the
   * first index of a NaN/±Inf entry of `delta`, or −1. The bits of `step(params, grad)` then
   * `kernels.sub(params, base, delta)`, without writing `params`. All four of `size` entries, disjoint
   * except that `base` may be `params` itself. With `sink` (kernels with `sgdDeltaAcc` only), the same pass
   * also does `accumulate(sink.weight, delta, sink.acc)` (same bits; a non-finite `delta` leaves `sink.acc`
   * non-finite too); `delta` null (with a sink): Δ is only added.
   */
  stepDelta(
    params: Float32Array,
    grad: Float32Array,
    base: Float32Array,
    delta: Float32Array | null,
    sink?: DeltaSink,
  ): number | null {
    const k = this.kernels;
    const sgdDelta = k.sgdDelta;
    if (this.options.kind !== 'sgd' || sgdDelta === undefined) return null;
    if (sink !== undefined && k.sgdDeltaAcc === undefined) throw errors.runtime('a delta sink needs sgdDeltaAcc');
    if (sink === undefined && delta === null) throw errors.runtime('stepDelta without delta needs a sink');
    const p = this.plainSgd(params, grad);
    if (sink === undefined) return sgdDelta.call(k, p.lr, p.l2, params, grad, base, delta!);
    return k.sgdDeltaAcc!(p.lr, p.l2, params, grad, base, delta, sink.weight, sink.acc);
  }

  /** A plain-SGD step done by a fused kernel: checks lengths, clips `grad`, counts the step. */
  private plainSgd(params: Float32Array, grad: Float32Array): { lr: number; l2: number; report: StepReport } {
    const { t, lr, report } = this.begin(params, grad);
    this.memory.step = t + 1;
    return { lr, l2: this.options.step.weightDecay, report };
  }

  /** What every step does first: checks lengths, clips `grad` when `clipNorm` is set, reads t and lr(t). */
  private begin(params: Float32Array, grad: Float32Array): { t: number; lr: number; report: StepReport } {
    if (params.length !== this.size) throw errors.shape('optimizer params length', this.size, params.length);
    if (grad.length !== this.size) throw errors.shape('optimizer grad length', this.size, grad.length);
    const clipNorm = this.options.clipNorm;
    const gradNorm = clipNorm === undefined ? null : clipGlobalNorm(this.kernels, grad, clipNorm);
    const t = this.memory.step;
    const lr = this.schedule(t);
    const clipped = gradNorm !== null && gradNorm > clipNorm! && Number.isFinite(gradNorm);
    return { t, lr, report: { lr, gradNorm, clipped } };
  }

  /** A checkpoint: the step count and copies of the state vectors. */
  state(): OptimizerState {
    return { kind: this.options.kind, step: this.memory.step, slots: this.slots().map((s) => s.slice()) };
  }

  /** Restores a checkpoint taken from an optimizer of the same kind and size (the data is copied). */
  load(state: OptimizerState): void {
    const where = `${this.path} state`;
    if (state?.kind !== this.options.kind) throw errors.option(`${where}.kind`, `"${this.options.kind}"`, state?.kind);
    if (!Number.isSafeInteger(state.step) || state.step < 0) {
      throw errors.option(`${where}.step`, 'a non-negative integer', state.step);
    }
    const n = this.slotCount;
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
    const slots = this.slots();
    for (let i = 0; i < n; i++) slots[i].set(state.slots[i]);
    this.memory.step = state.step;
  }
}
