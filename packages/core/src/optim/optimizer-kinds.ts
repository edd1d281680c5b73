import { z } from 'zod';
import type { OptimizerStep } from '../kernels/kernels.js';
import { KindTable } from '../spec/kind-table.js';
import { scheduleSchema } from './schedule-kinds.js';

/**
 * The options every optimizer takes: `lr` > 0 (the schedule starts here; required when `lr` is null,
 * else defaulted), `weightDecay` wd ≥ 0 (L2 penalty `g + wd·θ`; decoupled `θ ← θ − lr·wd·θ` for adamw),
 * `clipNorm` c > 0 (the gradient is scaled by min(1, c/‖g‖₂), Pascanu et al. 2013) and `schedule`
 * (constant when absent).
 */
function options(lr: number | null, weightDecay = 0) {
  return {
    lr: lr === null ? z.number().gt(0) : z.number().gt(0).default(lr),
    weightDecay: z.number().min(0).default(weightDecay),
    clipNorm: z.number().gt(0).optional(),
    schedule: scheduleSchema.optional(),
  };
}
/** A rate in [0, 1): momentum, decay rates, Adam's betas. */
const rate = (value: number) => z.number().min(0).lt(1).default(value);
const eps = (value: number) => z.number().gt(0).default(value);

/**
 * One local optimizer kind in the `optimizers` table: the schema of its options and `step`, which
 * turns a validated spec into the fused kernel update rule ({@link OptimizerStep}; Adam's t is 1).
 */
export interface OptimizerEntry<S extends { kind: string; lr: number; weightDecay: number } = OptimizerOptionsBase> {
  readonly kind: string;
  readonly schema: z.ZodType<S>;
  step(spec: S): OptimizerStep;
}

/** What every validated optimizer spec has. */
export type OptimizerOptionsBase = {
  readonly kind: string;
  readonly lr: number;
  readonly weightDecay: number;
  readonly clipNorm?: number;
  readonly schedule?: { readonly kind: string; readonly [option: string]: unknown };
  readonly [option: string]: unknown;
};

const sgdSchema = z.strictObject({ kind: z.literal('sgd'), ...options(null) });
const sgd = {
  kind: 'sgd' as const,
  schema: sgdSchema,
  step: ({ lr, weightDecay }) => ({ kind: 'sgd', lr, weightDecay }),
} satisfies OptimizerEntry<z.output<typeof sgdSchema>>;

/** Heavy ball (Polyak 1964) or Nesterov (Sutskever et al. 2013); momentum defaults to 0.9, not PyTorch's 0. */
function momentumKind<K extends 'momentum' | 'nesterov'>(kind: K) {
  const schema = z.strictObject({ kind: z.literal(kind), ...options(null), momentum: rate(0.9) });
  return {
    kind,
    schema,
    step: ({ lr, weightDecay, momentum }) => ({ kind, lr, weightDecay, momentum }),
  } satisfies OptimizerEntry<z.output<typeof schema>>;
}

const adagradSchema = z.strictObject({ kind: z.literal('adagrad'), ...options(0.01), eps: eps(1e-10) });
const adagrad = {
  kind: 'adagrad' as const,
  schema: adagradSchema,
  step: ({ lr, weightDecay, eps }) => ({ kind: 'adagrad', lr, weightDecay, eps }),
} satisfies OptimizerEntry<z.output<typeof adagradSchema>>;

/** RMSProp (rho = PyTorch's `alpha`, default 0.99, lr 0.01, eps 1e-8) or AdaDelta (rho 0.9, lr 1, eps 1e-6). */
function rhoKind<K extends 'rmsprop' | 'adadelta'>(kind: K, lr: number, rho: number, epsilon: number) {
  const schema = z.strictObject({ kind: z.literal(kind), ...options(lr), rho: rate(rho), eps: eps(epsilon) });
  return {
    kind,
    schema,
    step: (s) => ({ kind, lr: s.lr, weightDecay: s.weightDecay, rho: s.rho, eps: s.eps }),
  } satisfies OptimizerEntry<z.output<typeof schema>>;
}

/** Adam (Kingma & Ba 2015) or AdamW (Loshchilov & Hutter 2019, weight decay 0.01 decoupled). */
function adamKind<K extends 'adam' | 'adamw'>(kind: K, weightDecay: number) {
  const schema = z.strictObject({
    kind: z.literal(kind),
    ...options(0.001, weightDecay),
    beta1: rate(0.9),
    beta2: rate(0.999),
    eps: eps(1e-8),
  });
  return {
    kind,
    schema,
    step: (s) => ({ kind, lr: s.lr, weightDecay: s.weightDecay, beta1: s.beta1, beta2: s.beta2, eps: s.eps, t: 1 }),
  } satisfies OptimizerEntry<z.output<typeof schema>>;
}

/**
 * The built-in local optimizers, in documentation order. Defaults follow PyTorch 2.x where it has one:
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
 *
 * Adding an optimizer: its entry (schema + step, see `OptimizerEntry`), one line here, and its update
 * rule in the kernels (`OptimizerStep`).
 */
const BUILTIN = [
  sgd,
  momentumKind('momentum'),
  momentumKind('nesterov'),
  adagrad,
  rhoKind('rmsprop', 0.01, 0.99, 1e-8),
  rhoKind('adadelta', 1, 0.9, 1e-6),
  adamKind('adam', 0),
  adamKind('adamw', 0.01),
] as const;

/** A local optimizer as written in config (`optimizer: { kind: adam, lr: 0.001 }`). */
export type OptimizerSpec = z.input<(typeof BUILTIN)[number]['schema']>;

/** A validated optimizer spec with every default filled in (what `config.resolved.json` holds). */
export type OptimizerOptions = z.output<(typeof BUILTIN)[number]['schema']>;

/** The `optimizers` table: every local optimizer kind by name. */
export const optimizers = new KindTable<OptimizerOptionsBase, OptimizerEntry>('optimizer');
for (const entry of BUILTIN) optimizers.register(entry);

/** The optimizer kinds, in documentation order. */
export const OPTIMIZER_KINDS = BUILTIN.map((entry) => entry.kind) satisfies readonly OptimizerStep['kind'][];

/** One of {@link OPTIMIZER_KINDS}. */
export type OptimizerKind = (typeof BUILTIN)[number]['kind'];

/** The schema of `optimizer` (any registered kind), composed by the CLI's experiment schema. */
export const optimizerSchema = optimizers.schema as z.ZodType<OptimizerOptions, unknown>;
