import { errors } from '../errors.js';
import type { OptimizerStep } from '../kernels/kernels.js';
import { checkKeys, nonNegative, positive, unitHalfOpen } from './check.js';
import type { ScheduleSpec } from './schedule.js';

/** Options every optimizer takes. */
export interface OptimizerCommon {
  /** Base learning rate, > 0 (the schedule starts here). */
  lr: number;
  /** L2 penalty wd ≥ 0 added to the gradient as `g + wd·θ`; decoupled `θ ← θ − lr·wd·θ` for adamw. */
  weightDecay?: number;
  /** Global-norm clipping threshold c > 0: the gradient is scaled by min(1, c/‖g‖₂) (Pascanu et al. 2013). */
  clipNorm?: number;
  /** Learning-rate schedule; constant when absent. */
  schedule?: ScheduleSpec;
}

/**
 * A local optimizer from an experiment config (`optimizer: { kind: adam, lr: 0.001 }`). Defaults follow
 * PyTorch 2.x where it has one (update rules: {@link OptimizerStep}):
 *
 * | kind | lr | other defaults |
 * |---|---|---|
 * | sgd | required | weightDecay 0 |
 * | momentum, nesterov | required | momentum 0.9 (PyTorch's default is 0, which would be plain SGD) |
 * | adagrad | 0.01 | eps 1e-10 |
 * | rmsprop | 0.01 | rho 0.99 (PyTorch `alpha`), eps 1e-8 |
 * | adadelta | 1.0 | rho 0.9, eps 1e-6 |
 * | adam | 0.001 | beta1 0.9, beta2 0.999, eps 1e-8, weightDecay 0 |
 * | adamw | 0.001 | beta1 0.9, beta2 0.999, eps 1e-8, weightDecay 0.01 |
 */
export type OptimizerSpec =
  | ({ kind: 'sgd' } & OptimizerCommon)
  | ({ kind: 'momentum' | 'nesterov'; momentum?: number } & OptimizerCommon)
  | ({ kind: 'adagrad'; eps?: number } & Partial<OptimizerCommon>)
  | ({ kind: 'rmsprop' | 'adadelta'; rho?: number; eps?: number } & Partial<OptimizerCommon>)
  | ({ kind: 'adam' | 'adamw'; beta1?: number; beta2?: number; eps?: number } & Partial<OptimizerCommon>);

/** The optimizer kinds, in documentation order. */
export const OPTIMIZER_KINDS = [
  'sgd',
  'momentum',
  'nesterov',
  'adagrad',
  'rmsprop',
  'adadelta',
  'adam',
  'adamw',
] as const satisfies readonly OptimizerStep['kind'][];

/** One of {@link OPTIMIZER_KINDS}. */
export type OptimizerKind = (typeof OPTIMIZER_KINDS)[number];

/** A validated spec with every default filled in. `step` holds the base lr and, for Adam, t = 1. */
export interface ResolvedOptimizerSpec {
  readonly kind: OptimizerKind;
  readonly lr: number;
  readonly weightDecay: number;
  readonly clipNorm: number | undefined;
  readonly schedule: ScheduleSpec;
  readonly step: OptimizerStep;
}

const COMMON = ['kind', 'lr', 'weightDecay', 'clipNorm', 'schedule'];
const EXTRA: Record<OptimizerKind, readonly string[]> = {
  sgd: [],
  momentum: ['momentum'],
  nesterov: ['momentum'],
  adagrad: ['eps'],
  rmsprop: ['rho', 'eps'],
  adadelta: ['rho', 'eps'],
  adam: ['beta1', 'beta2', 'eps'],
  adamw: ['beta1', 'beta2', 'eps'],
};
const DEFAULT_LR: Record<OptimizerKind, number | undefined> = {
  sgd: undefined,
  momentum: undefined,
  nesterov: undefined,
  adagrad: 0.01,
  rmsprop: 0.01,
  adadelta: 1.0,
  adam: 0.001,
  adamw: 0.001,
};

/**
 * Checks an optimizer spec (unknown keys, ranges) and fills in defaults.
 * @param path the option path for messages, `optimizer` in an experiment config
 */
export function resolveOptimizerSpec(spec: OptimizerSpec, path = 'optimizer'): ResolvedOptimizerSpec {
  const kind = (spec as { kind?: unknown } | null)?.kind;
  if (typeof kind !== 'string' || !OPTIMIZER_KINDS.includes(kind as OptimizerKind)) {
    throw errors.unknownKind(`${path}.kind`, String(kind), OPTIMIZER_KINDS);
  }
  checkKeys(path, spec, [...COMMON, ...EXTRA[spec.kind]], spec.kind);
  const lr = positive(`${path}.lr`, spec.lr, DEFAULT_LR[spec.kind]);
  const weightDecay = nonNegative(`${path}.weightDecay`, spec.weightDecay, spec.kind === 'adamw' ? 0.01 : 0);
  const clipNorm = spec.clipNorm === undefined ? undefined : positive(`${path}.clipNorm`, spec.clipNorm);
  const schedule = spec.schedule ?? { kind: 'constant' };
  const p = (name: string) => `${path}.${name}`;
  let step: OptimizerStep;
  switch (spec.kind) {
    case 'sgd':
      step = { kind: 'sgd', lr, weightDecay };
      break;
    case 'momentum':
    case 'nesterov':
      step = { kind: spec.kind, lr, weightDecay, momentum: unitHalfOpen(p('momentum'), spec.momentum, 0.9) };
      break;
    case 'adagrad':
      step = { kind: 'adagrad', lr, weightDecay, eps: positive(p('eps'), spec.eps, 1e-10) };
      break;
    case 'rmsprop':
    case 'adadelta': {
      const rho = unitHalfOpen(p('rho'), spec.rho, spec.kind === 'rmsprop' ? 0.99 : 0.9);
      const eps = positive(p('eps'), spec.eps, spec.kind === 'rmsprop' ? 1e-8 : 1e-6);
      step = { kind: spec.kind, lr, weightDecay, rho, eps };
      break;
    }
    case 'adam':
    case 'adamw': {
      const beta1 = unitHalfOpen(p('beta1'), spec.beta1, 0.9);
      const beta2 = unitHalfOpen(p('beta2'), spec.beta2, 0.999);
      const eps = positive(p('eps'), spec.eps, 1e-8);
      step = { kind: spec.kind, lr, weightDecay, beta1, beta2, eps, t: 1 };
      break;
    }
  }
  return { kind: spec.kind, lr, weightDecay, clipNorm, schedule, step };
}
