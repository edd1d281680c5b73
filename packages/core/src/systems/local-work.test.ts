import { describe, expect, it } from 'vitest';
import { ALWAYS_ONLINE } from './availability.js';
import { clientPlan, plannedWork } from './local-work.js';
import type { ClientProfile } from './profile.js';

const phone = (seconds: number, per: 'example' | 'step', localEpochs: number | null = null): ClientProfile => ({
  id: 0,
  compute: { per, seconds },
  uplinkBps: 1,
  downlinkBps: 1,
  latencyS: 0,
  localEpochs,
  availability: ALWAYS_ONLINE,
});

describe('local work', () => {
  it('counts the steps and examples ClientExecutor runs: E epochs of ⌈n/B⌉ batches, capped at maxSteps', () => {
    expect(plannedWork(25, { epochs: 2, batchSize: 10 })).toEqual({ steps: 6, examples: 50 });
    expect(plannedWork(25, { epochs: 2, batchSize: 10, maxSteps: 4 })).toEqual({ steps: 4, examples: 35 });
    expect(plannedWork(25, { epochs: 1, batchSize: null, maxSteps: 1 })).toEqual({ steps: 1, examples: 25 });
  });

  it('gives a client its own epochs, or caps its steps at its time budget (at least one)', () => {
    const base = { epochs: 5, batchSize: 10 };
    expect(
      clientPlan(base, { kind: 'epochs', epochs: { kind: 'constant', value: 2 } }, phone(1, 'step', 2), 80),
    ).toEqual({
      epochs: 2,
      batchSize: 10,
    });
    // 0.01 s per example × 10 per batch = 0.1 s per step: a 2.5 s budget affords 25 steps.
    expect(clientPlan(base, { kind: 'timeBudget', seconds: 2.5 }, phone(0.01, 'example'), 80)).toEqual({
      ...base,
      maxSteps: 25,
    });
    expect(clientPlan(base, { kind: 'timeBudget', seconds: 2.5 }, phone(10, 'step'), 80).maxSteps).toBe(1);
  });
});
