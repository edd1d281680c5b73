import { z } from 'zod';
import { errors } from '../errors.js';

/**
 * The options of a sparsifier (`topk`, `randk`): how many of the d entries it keeps, a fraction
 * `ratio` in (0, 1] (k = max(1, round(ratio·d))) or a `count` k ≥ 1, exactly one of the two.
 */
export const sparsityOptions = {
  ratio: z.number().gt(0).lte(1).optional(),
  count: z
    .number()
    .int()
    .min(1)
    .max(2 ** 32 - 1)
    .optional(),
};

/** How many entries a sparsifier keeps, as validated by `sparsityOptions` and `checkSparsity`. */
export interface Sparsity {
  readonly ratio?: number;
  readonly count?: number;
}

/** The refinement of a sparsifier's schema: exactly one of `ratio` and `count`. */
export function checkSparsity(spec: Sparsity, ctx: z.RefinementCtx): void {
  if ((spec.ratio === undefined) === (spec.count === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['ratio'],
      message: 'must be given, or else count, but not both',
      input: spec.ratio,
    });
  }
}

/** The number of entries a `topk`/`randk` spec keeps out of d: count, or max(1, round(ratio·d)), at most d. */
export function sparsityCount(spec: Sparsity, d: number, path = 'compression'): number {
  if (spec.count !== undefined) {
    if (spec.count > d) throw errors.option(`${path}.count`, `at most the model size ${d}`, spec.count);
    return spec.count;
  }
  return Math.min(d, Math.max(1, Math.round((spec.ratio ?? 1) * d)));
}
