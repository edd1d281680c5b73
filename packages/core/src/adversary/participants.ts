import { z } from 'zod';
import type { Rng } from '../rng/rng.js';

/**
 * How a parameter server draws a round's participants from the available nodes (the server's
 * `Participation`, restated here so nodes can recompute the draw): a share or a count without
 * replacement, or `poisson` with probability `rate` each.
 */
export const participationSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('fraction'), value: z.number().gt(0).lte(1) }),
  z.strictObject({ kind: z.literal('count'), value: z.number().int().positive() }),
  z.strictObject({ kind: z.literal('poisson'), rate: z.number().gt(0).lte(1) }),
]);

/** See {@link participationSchema}. */
export type ParticipationDraw = z.output<typeof participationSchema>;

/**
 * The participants of one round, ascending: exactly the draw of the server's `RoundMachine` from the
 * same stream (`rng` = `Rng.fromSeed(seed).fork('server').fork('participants', round)`) over the same
 * `pool` (available node ids, ascending). Poisson: each node in pool order with `uniform() < rate`;
 * otherwise `max(1, round(value·|pool|))` (fraction) or `min(value, |pool|)` (count) nodes by
 * `rng.sample`. A test in test/server checks it against the round machine.
 */
export function drawParticipants(pool: readonly number[], p: ParticipationDraw, rng: Rng): number[] {
  if (p.kind === 'poisson') return pool.filter(() => rng.uniform() < p.rate);
  if (pool.length === 0) return [];
  const want = p.kind === 'fraction' ? Math.max(1, Math.round(p.value * pool.length)) : Math.min(p.value, pool.length);
  return Array.from(rng.sample(pool.length, want), (i) => pool[i]).sort((a, b) => a - b);
}
