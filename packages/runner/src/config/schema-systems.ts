import { z } from 'zod';

const nonNegative = z.number().nonnegative().finite();
const positive = z.number().positive().finite();

/**
 * A seeded distribution of a positive quantity (see `Distribution` in @starling/core): `constant`
 * (`value`), `uniform` (`low`, `high`), `lognormal` (`median`, `sigma` = std of ln X), `pareto`
 * (`scale` = minimum, `shape` = tail index; heavy-tailed), `tiers` (`[{ value, p }]`, p summing to 1).
 * A bare number is a constant.
 */
export const distributionSchema = z.preprocess(
  (v) => (typeof v === 'number' ? { kind: 'constant', value: v } : v),
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('constant'), value: nonNegative }),
    z.strictObject({ kind: z.literal('uniform'), low: nonNegative, high: positive }),
    z.strictObject({ kind: z.literal('lognormal'), median: positive, sigma: nonNegative }),
    z.strictObject({ kind: z.literal('pareto'), scale: positive, shape: positive }),
    z.strictObject({
      kind: z.literal('tiers'),
      tiers: z.array(z.strictObject({ value: nonNegative, p: z.number().min(0).max(1) })).min(1),
    }),
  ]),
);

/**
 * `systems:` client systems heterogeneity on a virtual clock (docs/systems.md). Each client draws its
 * profile once from the run's `fork('systems')`: `compute.seconds` per example (or per step) processed,
 * `network` link rates in bit/s and a one-way latency per message in seconds (absent: free and instant
 * links), `availability`, `localWork` (per-client epochs or a time budget), a virtual round deadline
 * `deadlineS`, `emulate` (threads/processes/cluster: shape real messages and hold updates so wall time
 * follows the virtual clock; only delays, never changes bits), and an optional `trace` file whose rows override the draws. Absent: no virtual time.
 */
export const systemsSchema = z.strictObject({
  compute: z.strictObject({ per: z.enum(['example', 'step']).default('example'), seconds: distributionSchema }),
  network: z
    .strictObject({
      uplinkBps: distributionSchema,
      downlinkBps: distributionSchema,
      latencyS: distributionSchema.default({ kind: 'constant', value: 0 }),
      lossRate: distributionSchema.default({ kind: 'constant', value: 0 }),
    })
    .nullable()
    .default(null),
  availability: z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('always') }),
      z.strictObject({ kind: z.literal('onOff'), meanOnS: positive, meanOffS: positive }),
      z.strictObject({ kind: z.literal('trace') }),
    ])
    .default({ kind: 'always' }),
  localWork: z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('plan') }),
      z.strictObject({ kind: z.literal('epochs'), epochs: distributionSchema }),
      z.strictObject({ kind: z.literal('timeBudget'), seconds: positive }),
    ])
    .default({ kind: 'plan' }),
  deadlineS: positive.nullable().default(null),
  /** Over sockets, delay real messages so wall time follows the virtual clock (docs/systems.md#network-emulation). */
  emulate: z.boolean().default(false),
  trace: z
    .strictObject({ file: z.string().min(1), assign: z.enum(['byId', 'cycle', 'sample']).default('byId') })
    .nullable()
    .default(null),
});

export type SystemsConfig = z.infer<typeof systemsSchema>;
