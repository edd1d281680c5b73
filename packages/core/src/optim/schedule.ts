import type { z } from 'zod';
import { errors } from '../errors.js';
import { type KindSpec, KindTable } from '../spec/kind-table.js';
import { parseSpec } from '../spec/parse-spec.js';

/** The learning rate (absolute, not a multiplier) for step `t` = 0, 1, 2, … */
export type Schedule = (t: number) => number;

/** Where a schedule's options and its base learning rate came from, for messages. */
export interface SchedulePaths {
  /** The schedule's option path, e.g. `optimizer.schedule` or `optimizer.schedule.after`. */
  readonly path: string;
  /** The option the base learning rate came from, e.g. `optimizer.lr`. */
  readonly lrPath: string;
}

/**
 * One learning-rate schedule kind in the `schedules` table: the schema of its options and its factory.
 * `make` gets the validated spec and the base learning rate lr > 0 and returns lr(t); it checks what
 * depends on lr (e.g. cosine's `minLr` ≤ lr) and throws `config` errors naming `paths`.
 */
export interface ScheduleEntry<S extends KindSpec = KindSpec> {
  readonly kind: string;
  readonly schema: z.ZodType<S>;
  make(spec: S, lr: number, paths: SchedulePaths): Schedule;
}

/** The `schedules` table (built-ins registered in schedule-kinds.ts). */
export const scheduleTable = new KindTable<KindSpec, ScheduleEntry>('schedule');

/**
 * Validates a schedule spec of any registered kind and returns lr(t).
 * @param baseLr the optimizer's learning rate, > 0
 * @param path the option path used in error messages
 */
export function makeScheduleOf(spec: unknown, baseLr: number, path = 'optimizer.schedule'): Schedule {
  // `optimizer.schedule.after` → `optimizer.lr`: the option the base learning rate came from.
  const lrPath = path.replace(/\.schedule(\.after)*$/, '.lr');
  if (!(typeof baseLr === 'number' && Number.isFinite(baseLr) && baseLr > 0)) {
    throw errors.option(lrPath, 'a positive number', baseLr);
  }
  const parsed = parseSpec(scheduleTable.schema, spec, path);
  const entry = scheduleTable.require(parsed.kind, `${path}.kind`);
  return entry.make(parsed, baseLr, { path, lrPath });
}
