import { errors } from '../errors.js';
import { checkKeys, nonNegative, positive, positiveInt, unitOpenClosed } from './check.js';

/**
 * A learning-rate schedule from an experiment config. Every schedule maps the optimizer step count
 * `t` (0 for the first step) to an absolute learning rate, starting from the optimizer's base `lr`:
 *
 * - `constant`: lr(t) = lr.
 * - `step`: lr(t) = lr·gamma^⌊t/stepSize⌋ (PyTorch `StepLR`; `gamma` defaults to 0.1).
 * - `exponential`: lr(t) = lr·gamma^t.
 * - `cosine`: lr(t) = minLr + (lr − minLr)·(1 + cos(π·min(t, totalSteps)/totalSteps))/2, held at
 *   `minLr` (default 0) after `totalSteps` (Loshchilov & Hutter 2017, SGDR, without restarts).
 * - `warmup`: linear warm-up (Goyal et al. 2017): lr(t) = lr·(s + (1 − s)·t/warmupSteps) for
 *   t < warmupSteps, with start factor s = `startFactor` (default 0, so the first step has lr 0 as in
 *   PyTorch `LinearLR`); afterwards the wrapped schedule `after` (default constant) runs on its own
 *   clock: lr(t) = after(t − warmupSteps).
 * - `cyclic`: triangular cyclical learning rate (Smith 2017): rises linearly from lr to `maxLr` over
 *   `stepSize` steps, falls back over the next `stepSize`, and repeats (period 2·stepSize).
 * - `inverse_sqrt`: lr(t) = lr/√(1 + t/timescale) (`timescale` defaults to 1, giving the classic
 *   η/√(t+1) step size of stochastic convex optimization).
 */
export type ScheduleSpec =
  | { kind: 'constant' }
  | { kind: 'step'; stepSize: number; gamma?: number }
  | { kind: 'exponential'; gamma: number }
  | { kind: 'cosine'; totalSteps: number; minLr?: number }
  | { kind: 'warmup'; warmupSteps: number; startFactor?: number; after?: ScheduleSpec }
  | { kind: 'cyclic'; maxLr: number; stepSize: number }
  | { kind: 'inverse_sqrt'; timescale?: number };

/** The learning rate (absolute, not a multiplier) for step `t` = 0, 1, 2, … */
export type Schedule = (t: number) => number;

/** The schedule kinds, in documentation order. */
export const SCHEDULE_KINDS = [
  'constant',
  'step',
  'exponential',
  'cosine',
  'warmup',
  'cyclic',
  'inverse_sqrt',
] as const;

const KEYS: Record<ScheduleSpec['kind'], readonly string[]> = {
  constant: ['kind'],
  step: ['kind', 'stepSize', 'gamma'],
  exponential: ['kind', 'gamma'],
  cosine: ['kind', 'totalSteps', 'minLr'],
  warmup: ['kind', 'warmupSteps', 'startFactor', 'after'],
  cyclic: ['kind', 'maxLr', 'stepSize'],
  inverse_sqrt: ['kind', 'timescale'],
};

/**
 * Validates a schedule spec and returns lr(t).
 * @param baseLr the optimizer's learning rate, > 0
 * @param path the option path used in error messages
 */
export function makeSchedule(spec: ScheduleSpec, baseLr: number, path = 'optimizer.schedule'): Schedule {
  const kind = (spec as { kind?: unknown } | null)?.kind;
  if (typeof kind !== 'string' || !SCHEDULE_KINDS.includes(kind as ScheduleSpec['kind'])) {
    throw errors.unknownKind(`${path}.kind`, String(kind), SCHEDULE_KINDS);
  }
  checkKeys(path, spec, KEYS[spec.kind], `a ${spec.kind} schedule`);
  // `optimizer.schedule.after` → `optimizer.lr`: the option the base learning rate came from.
  const lrPath = path.replace(/\.schedule(\.after)*$/, '.lr');
  const lr = positive(lrPath, baseLr);
  switch (spec.kind) {
    case 'constant':
      return () => lr;
    case 'step': {
      const stepSize = positiveInt(`${path}.stepSize`, spec.stepSize);
      const gamma = unitOpenClosed(`${path}.gamma`, spec.gamma, 0.1);
      return (t) => lr * gamma ** Math.floor(t / stepSize);
    }
    case 'exponential': {
      const gamma = unitOpenClosed(`${path}.gamma`, spec.gamma);
      return (t) => lr * gamma ** t;
    }
    case 'cosine': {
      const total = positiveInt(`${path}.totalSteps`, spec.totalSteps);
      const minLr = nonNegative(`${path}.minLr`, spec.minLr, 0);
      if (minLr > lr) throw errors.option(`${path}.minLr`, `at most ${lrPath} (${lr})`, minLr);
      return (t) => minLr + ((lr - minLr) * (1 + Math.cos((Math.PI * Math.min(t, total)) / total))) / 2;
    }
    case 'warmup': {
      const warm = positiveInt(`${path}.warmupSteps`, spec.warmupSteps);
      const start = nonNegative(`${path}.startFactor`, spec.startFactor, 0);
      if (start > 1) throw errors.option(`${path}.startFactor`, 'a number in [0, 1]', start);
      const after = makeSchedule(spec.after ?? { kind: 'constant' }, lr, `${path}.after`);
      return (t) => (t < warm ? lr * (start + ((1 - start) * t) / warm) : after(t - warm));
    }
    case 'cyclic': {
      const stepSize = positiveInt(`${path}.stepSize`, spec.stepSize);
      const maxLr = positive(`${path}.maxLr`, spec.maxLr);
      if (maxLr < lr) throw errors.option(`${path}.maxLr`, `at least ${lrPath} (${lr})`, maxLr);
      return (t) => {
        // Smith (2017), eq. in section 3.1: cycle = ⌊1 + t/(2·stepSize)⌋, x = |t/stepSize − 2·cycle + 1|.
        const cycle = Math.floor(1 + t / (2 * stepSize));
        const x = Math.abs(t / stepSize - 2 * cycle + 1);
        return lr + (maxLr - lr) * Math.max(0, 1 - x);
      };
    }
    case 'inverse_sqrt': {
      const timescale = positive(`${path}.timescale`, spec.timescale, 1);
      return (t) => lr / Math.sqrt(1 + t / timescale);
    }
  }
}
