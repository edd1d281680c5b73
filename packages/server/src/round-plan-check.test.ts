import { describe, expect, it } from 'vitest';
import { checkRoundPlan } from './round-plan-check.js';
import type { RoundPlan } from './round-types.js';

const plan = (over: Partial<RoundPlan>): RoundPlan => ({
  rounds: 5,
  participation: { kind: 'fraction', value: 0.1 },
  minCompletion: 1,
  deadlineMs: null,
  maxClientWeight: 1,
  ...over,
});

describe('checkRoundPlan', () => {
  it('accepts a valid plan', () => {
    expect(() => checkRoundPlan(plan({}))).not.toThrow();
    expect(() => checkRoundPlan(plan({ participation: { kind: 'count', value: 3 } }))).not.toThrow();
  });
  it('names the config path of each bad option', () => {
    expect(() => checkRoundPlan(plan({ rounds: 0 }))).toThrow(/algorithm\.rounds/);
    expect(() => checkRoundPlan(plan({ rounds: 1.5 }))).toThrow(/algorithm\.rounds/);
    expect(() => checkRoundPlan(plan({ participation: { kind: 'fraction', value: 0 } }))).toThrow(
      /algorithm\.fraction/,
    );
    expect(() => checkRoundPlan(plan({ participation: { kind: 'count', value: 0 } }))).toThrow(
      /algorithm\.clientsPerRound/,
    );
    expect(() => checkRoundPlan(plan({ participation: { kind: 'poisson', rate: 1.5 } }))).toThrow(
      /algorithm\.fraction/,
    );
    expect(() => checkRoundPlan(plan({ minCompletion: 0 }))).toThrow(/algorithm\.minCompletion/);
  });
});
