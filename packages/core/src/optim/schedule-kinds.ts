import { z } from 'zod';
import { errors } from '../errors.js';
import { makeScheduleOf, type ScheduleEntry, scheduleTable } from './schedule.js';

const posInt = z.number().int().min(1);
const decay = z.number().gt(0).lte(1);

const constant = {
  kind: 'constant' as const,
  schema: z.strictObject({ kind: z.literal('constant') }),
  make: (_spec, lr) => () => lr,
} satisfies ScheduleEntry<{ kind: 'constant' }>;

const stepSchema = z.strictObject({ kind: z.literal('step'), stepSize: posInt, gamma: decay.default(0.1) });
const step = {
  kind: 'step' as const,
  schema: stepSchema,
  make:
    ({ stepSize, gamma }, lr) =>
    (t) =>
      lr * gamma ** Math.floor(t / stepSize),
} satisfies ScheduleEntry<z.output<typeof stepSchema>>;

const exponentialSchema = z.strictObject({ kind: z.literal('exponential'), gamma: decay });
const exponential = {
  kind: 'exponential' as const,
  schema: exponentialSchema,
  make:
    ({ gamma }, lr) =>
    (t) =>
      lr * gamma ** t,
} satisfies ScheduleEntry<z.output<typeof exponentialSchema>>;

const cosineSchema = z.strictObject({
  kind: z.literal('cosine'),
  totalSteps: posInt,
  minLr: z.number().min(0).default(0),
});
const cosine = {
  kind: 'cosine' as const,
  schema: cosineSchema,
  make: ({ totalSteps: total, minLr }, lr, { path, lrPath }) => {
    if (minLr > lr) throw errors.option(`${path}.minLr`, `at most ${lrPath} (${lr})`, minLr);
    return (t) => minLr + ((lr - minLr) * (1 + Math.cos((Math.PI * Math.min(t, total)) / total))) / 2;
  },
} satisfies ScheduleEntry<z.output<typeof cosineSchema>>;

const warmupSchema = z.strictObject({
  kind: z.literal('warmup'),
  warmupSteps: posInt,
  startFactor: z.number().min(0).max(1).default(0),
  after: scheduleTable.schema.default({ kind: 'constant' }),
});
const warmup = {
  kind: 'warmup' as const,
  schema: warmupSchema,
  make: ({ warmupSteps: warm, startFactor: start, after }, lr, { path }) => {
    const next = makeScheduleOf(after, lr, `${path}.after`);
    return (t) => (t < warm ? lr * (start + ((1 - start) * t) / warm) : next(t - warm));
  },
} satisfies ScheduleEntry<z.output<typeof warmupSchema>>;

const cyclicSchema = z.strictObject({ kind: z.literal('cyclic'), maxLr: z.number().gt(0), stepSize: posInt });
const cyclic = {
  kind: 'cyclic' as const,
  schema: cyclicSchema,
  make: ({ maxLr, stepSize }, lr, { path, lrPath }) => {
    if (maxLr < lr) throw errors.option(`${path}.maxLr`, `at least ${lrPath} (${lr})`, maxLr);
    return (t) => {
      // Smith (2017), eq. in section 3.1: cycle = ⌊1 + t/(2·stepSize)⌋, x = |t/stepSize − 2·cycle + 1|.
      const cycle = Math.floor(1 + t / (2 * stepSize));
      const x = Math.abs(t / stepSize - 2 * cycle + 1);
      return lr + (maxLr - lr) * Math.max(0, 1 - x);
    };
  },
} satisfies ScheduleEntry<z.output<typeof cyclicSchema>>;

const inverseSqrtSchema = z.strictObject({ kind: z.literal('inverse_sqrt'), timescale: z.number().gt(0).default(1) });
const inverseSqrt = {
  kind: 'inverse_sqrt' as const,
  schema: inverseSqrtSchema,
  make:
    ({ timescale }, lr) =>
    (t) =>
      lr / Math.sqrt(1 + t / timescale),
} satisfies ScheduleEntry<z.output<typeof inverseSqrtSchema>>;

/**
 * The built-in learning-rate schedules, in documentation order. Every schedule maps the optimizer step
 * count `t` (0 for the first step) to an absolute learning rate, starting from the optimizer's `lr`:
 *
 * - `constant`: lr(t) = lr.
 * - `step`: lr(t) = lr·gamma^⌊t/stepSize⌋ (PyTorch `StepLR`; `gamma` in (0, 1] defaults to 0.1).
 * - `exponential`: lr(t) = lr·gamma^t, gamma in (0, 1].
 * - `cosine`: lr(t) = minLr + (lr − minLr)·(1 + cos(π·min(t, totalSteps)/totalSteps))/2, held at
 *   `minLr` (default 0, at most lr) after `totalSteps` (Loshchilov & Hutter 2017, SGDR, without restarts).
 * - `warmup`: linear warm-up (Goyal et al. 2017): lr(t) = lr·(s + (1 − s)·t/warmupSteps) for
 *   t < warmupSteps, with start factor s = `startFactor` in [0, 1] (default 0, so the first step has
 *   lr 0 as in PyTorch `LinearLR`); afterwards the wrapped schedule `after` (default constant) runs on
 *   its own clock: lr(t) = after(t − warmupSteps).
 * - `cyclic`: triangular cyclical learning rate (Smith 2017): rises linearly from lr to `maxLr` (≥ lr)
 *   over `stepSize` steps, falls back over the next `stepSize`, and repeats (period 2·stepSize).
 * - `inverse_sqrt`: lr(t) = lr/√(1 + t/timescale) (`timescale` defaults to 1, giving the classic
 *   η/√(t+1) step size of stochastic convex optimization).
 *
 * Adding a schedule: its entry (schema + factory, see `ScheduleEntry`) and one line here.
 */
const BUILTIN = [constant, step, exponential, cosine, warmup, cyclic, inverseSqrt] as const;
for (const entry of BUILTIN) scheduleTable.register(entry);

/** The built-in schedule kinds, in documentation order. */
export const SCHEDULE_KINDS: readonly (typeof BUILTIN)[number]['kind'][] = BUILTIN.map((entry) => entry.kind);

/** A learning-rate schedule as written in config (`optimizer.schedule`), e.g. `{ kind: cosine, totalSteps: 1000 }`. */
export type ScheduleSpec = z.input<(typeof BUILTIN)[number]['schema']>;

/** The schema of `optimizer.schedule` (any registered kind). */
export const scheduleSchema = scheduleTable.schema;

/**
 * Validates a schedule spec (see `ScheduleSpec`) and returns lr(t).
 * @param baseLr the optimizer's learning rate, > 0
 * @param path the option path used in error messages
 */
export function makeSchedule(spec: ScheduleSpec, baseLr: number, path = 'optimizer.schedule') {
  return makeScheduleOf(spec, baseLr, path);
}
