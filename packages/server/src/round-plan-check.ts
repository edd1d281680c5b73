import { errors } from '@starling/core';
import type { RoundPlan } from './round-types.js';

/**
 * Throws a StarlingError (`option`, naming the config path) when `plan` cannot drive a round machine:
 * `algorithm.rounds` a positive integer, the participation in range (a fraction or Poisson rate in
 * (0, 1], a positive integer count), `algorithm.minCompletion` in (0, 1].
 */
export function checkRoundPlan(plan: RoundPlan): void {
  const { participation: p, minCompletion, rounds } = plan;
  if (!Number.isInteger(rounds) || rounds < 1) throw errors.option('algorithm.rounds', 'a positive integer', rounds);
  if (p.kind === 'fraction' && !(p.value > 0 && p.value <= 1)) {
    throw errors.option('algorithm.fraction', 'in (0, 1]', p.value);
  }
  if (p.kind === 'count' && !(Number.isInteger(p.value) && p.value >= 1)) {
    throw errors.option('algorithm.clientsPerRound', 'a positive integer', p.value);
  }
  if (p.kind === 'poisson' && !(p.rate > 0 && p.rate <= 1))
    throw errors.option('algorithm.fraction', 'in (0, 1]', p.rate);
  if (!(minCompletion > 0 && minCompletion <= 1)) {
    throw errors.option('algorithm.minCompletion', 'in (0, 1]', minCompletion);
  }
}
