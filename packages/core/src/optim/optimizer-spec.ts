import type { OptimizerStep } from '../kernels/kernels.js';
import { parseSpec } from '../spec/parse-spec.js';
import { type OptimizerKind, type OptimizerSpec, optimizerSchema, optimizers } from './optimizer-kinds.js';
import type { ScheduleSpec } from './schedule-kinds.js';

/** A validated spec with every default filled in. `step` holds the base lr and, for Adam, t = 1. */
export interface ResolvedOptimizerSpec {
  readonly kind: OptimizerKind;
  readonly lr: number;
  readonly weightDecay: number;
  readonly clipNorm: number | undefined;
  /** The schedule as written (validated again by `makeSchedule`); `{ kind: 'constant' }` when absent. */
  readonly schedule: ScheduleSpec;
  readonly step: OptimizerStep;
}

/**
 * Checks an optimizer spec (unknown keys, ranges; see `optimizers`) and fills in defaults.
 * @param path the option path for messages, `optimizer` in an experiment config
 */
export function resolveOptimizerSpec(spec: OptimizerSpec, path = 'optimizer'): ResolvedOptimizerSpec {
  const parsed = parseSpec(optimizerSchema, spec, path);
  const step = optimizers.require(parsed.kind, `${path}.kind`).step(parsed);
  const schedule = (parsed.schedule ?? { kind: 'constant' }) as ScheduleSpec;
  return {
    kind: parsed.kind,
    lr: parsed.lr,
    weightDecay: parsed.weightDecay,
    clipNorm: parsed.clipNorm,
    schedule,
    step,
  };
}
