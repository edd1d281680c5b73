import { describe, expect, it } from 'vitest';
import { FailedRounds, failureCounts, failureKinds } from './round-failures.js';
import type { RoundSummary } from './round-types.js';

const round = (r: number, selected: number[], aggregated: boolean, reasons: string[] = []): RoundSummary => ({
  round: r,
  selected,
  results: [],
  failures: reasons.map((reason, node) => ({ node, reason })),
  aggregated,
  trainLoss: null,
});

describe('failure accounting', () => {
  it('groups reasons by their kind before the first colon, most frequent first', () => {
    const f = ['deadline', 'non-finite: update[3] is NaN', 'non-finite: training loss NaN'].map((reason) => ({
      reason,
    }));
    expect(failureKinds(f)).toEqual({ deadline: 1, 'non-finite': 2 });
    expect(failureCounts(f)).toBe('non-finite ×2, deadline ×1');
  });

  it('counts only rounds with selected nodes and resets on an aggregated round', () => {
    const c = new FailedRounds(3);
    expect(c.count(round(0, [1], false, ['deadline']))).toBeNull();
    expect(c.count(round(1, [], false))).toBeNull(); // nobody drawn: neither counts nor resets
    expect(c.count(round(2, [1], false, ['deadline']))).toBeNull();
    expect(c.count(round(3, [1], true))).toBeNull();
    expect(c.count(round(4, [1], false, ['deadline']))).toBeNull();
    expect(c.count(round(5, [1], false, ['deadline']))).toBeNull();
    expect(c.count(round(6, [1, 2], false, ['deadline']))).toBe(
      '3 consecutive rounds aggregated nothing (rounds 4-6); in round 6 1 of 2 selected nodes failed (deadline ×1)',
    );
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new FailedRounds(0)).toThrow('algorithm.maxFailedRounds must be a positive integer or null, got 0');
    expect(() => new FailedRounds(1.5)).toThrow(/maxFailedRounds/);
  });
});
