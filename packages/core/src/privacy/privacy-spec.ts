import { z } from 'zod';
import { NOISE_SOURCES } from './noise-source.js';

/**
 * Where differential privacy is applied in a run:
 * - `dpsgd`: sample-level DP-SGD inside each node's local training (Abadi et al. 2016); the guarantee
 *   is per training example.
 * - `client`: client-level DP-FedAvg (McMahan et al. 2018): nodes clip their update, the server adds
 *   Gaussian noise to the sum; the guarantee is per client, against anyone who sees the global models.
 * - `local`: each client clips and noises its own update; the guarantee is per client, also against
 *   the server.
 */
export type PrivacyMode = 'dpsgd' | 'client' | 'local';

/** What to do in `client` mode when fewer sampled clients reply than were sampled. */
export type ShortfallPolicy = 'skip' | 'recalibrate';

/** What to do when the planned steps would exceed `targetEpsilon`. */
export type OverBudgetPolicy = 'refuse' | 'stop';

/**
 * The `privacy` section of an experiment (docs/config.md, docs/privacy.md); `planRunPrivacy` parses
 * it. `noiseMultiplier` is σ (DP-SGD) or z (client, local): noise std divided by the clipping norm;
 * without it, σ is calibrated so the planned steps spend at most `targetEpsilon`. `clipNorm` is C
 * (DP-SGD, per example) or S (client, local, per update). DP-SGD only: `normalizeKappa` normalizes
 * C·g/(‖g‖ + κ) instead of clipping; `sampleRate` is the Poisson lot rate q (default: batch size /
 * smallest node size). `orders` default to the standard grid (`DEFAULT_RDP_ORDERS`).
 */
export const privacySpecSchema = z
  .strictObject({
    mode: z.enum(['dpsgd', 'client', 'local']),
    delta: z.number().gt(0).lt(1),
    targetEpsilon: z.number().positive().optional(),
    noiseMultiplier: z.number().positive().optional(),
    clipNorm: z.number().positive(),
    normalizeKappa: z.number().nonnegative().optional(),
    sampleRate: z.number().gt(0).lte(1).optional(),
    noise: z.enum(NOISE_SOURCES).default('seeded'),
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
  });

/** A privacy spec as written (defaults optional). */
export type PrivacySpec = z.input<typeof privacySpecSchema>;
/** A parsed privacy spec, every default filled in. */
export type ParsedPrivacySpec = z.output<typeof privacySpecSchema>;
