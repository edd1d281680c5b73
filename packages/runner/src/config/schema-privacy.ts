import { z } from 'zod';

/**
 * `privacy`: differential privacy for the run (mirrors `PrivacySpec` in
 * packages/core/src/privacy/privacy-spec.ts; `planRunPrivacy` checks the options against the run again).
 * `null` (the default) trains without privacy. See docs/config.md and docs/privacy.md.
 */
export const privacySchema = z
  .strictObject({
    mode: z.enum(['dpsgd', 'client', 'local']),
    delta: z.number().gt(0).lt(1),
    targetEpsilon: z.number().positive().optional(),
    noiseMultiplier: z.number().positive().optional(),
    clipNorm: z.number().positive(),
    normalizeKappa: z.number().nonnegative().optional(),
    sampleRate: z.number().gt(0).lte(1).optional(),
    noise: z.enum(['seeded', 'secure']).default('seeded'),
    onShortfall: z.enum(['skip', 'recalibrate']).default('skip'),
    overBudget: z.enum(['refuse', 'stop']).default('refuse'),
    conversion: z.enum(['improved', 'classic']).default('improved'),
    orders: z.array(z.number().gt(1)).min(1).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.targetEpsilon === undefined && p.noiseMultiplier === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['noiseMultiplier'],
        message: 'must be set, or privacy.targetEpsilon to calibrate it',
        input: p.noiseMultiplier,
      });
    }
    for (const key of ['sampleRate', 'normalizeKappa'] as const) {
      if (p.mode !== 'dpsgd' && p[key] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'applies to mode dpsgd only', input: p[key] });
      }
    }
  })
  .nullable()
  .default(null);

export type PrivacyConfig = z.infer<typeof privacySchema>;
