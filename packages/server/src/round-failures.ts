import { errors } from '@starling/core';
import type { RoundSummary } from './round-types.js';

/**
 * How many failures of each kind (a reason up to its first `:`, e.g. `non-finite`, `deadline`). With
 * `refused` (a round whose aggregate was refused, `RoundSummary.refused`), its kind counts once too.
 */
export function failureKinds(failures: readonly { reason: string }[], refused?: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of refused === undefined ? failures : [...failures, { reason: refused }]) {
    const kind = f.reason.split(':')[0].trim();
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

/** Failures by kind, most frequent first: `non-finite ×10, deadline ×2`. */
export function failureCounts(failures: readonly { reason: string }[]): string {
  return Object.entries(failureKinds(failures))
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ×${n}`)
    .join(', ');
}

/**
 * The round machine's failure accounting: a round fails when nodes were selected and nothing was
 * aggregated (every node failed, or fewer than `minCompletion` replied). After `max` failed rounds in
 * a row the run fails. A round with nobody selected (possible under Poisson sampling) neither counts
 * nor breaks the streak; an aggregated round resets it.
 */
export class FailedRounds {
  private streak = 0;

  /** @param max consecutive failed rounds that fail the run (≥ 1), or null: never */
  constructor(private readonly max: number | null) {
    if (max !== null && !(Number.isInteger(max) && max >= 1)) {
      throw errors.option('algorithm.maxFailedRounds', 'a positive integer or null', max);
    }
  }

  /** Counts a closed round; returns why the run fails when this round completes the streak, else null. */
  count(s: RoundSummary): string | null {
    if (s.selected.length === 0) return null;
    this.streak = s.aggregated ? 0 : this.streak + 1;
    if (this.max === null || this.streak < this.max) return null;
    const first = s.round - this.streak + 1;
    const rounds = this.streak === 1 ? `round ${s.round}` : `rounds ${first}-${s.round}`;
    return (
      `${this.streak} consecutive round${this.streak === 1 ? '' : 's'} aggregated nothing (${rounds}); ` +
      `in round ${s.round} ${s.failures.length} of ${s.selected.length} selected nodes failed ` +
      `(${[s.refused, failureCounts(s.failures)].filter(Boolean).join('; ') || 'too few replies'})`
    );
  }
}
