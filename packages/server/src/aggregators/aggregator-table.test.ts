import { jsKernels, KindTable, Rng, StarlingError } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { RoundMachine } from '../round-machine.js';
import type { RoundPlan } from '../round-types.js';
import { ServerOptimizer } from '../server-optimizer.js';
import { aggregators, makeAggregator } from './aggregator-table.js';
import { SCALED_SUM_KIND } from './fixtures/scaled-sum.js';

const table = new KindTable('aggregator', [...aggregators.entries(), SCALED_SUM_KIND]);

const plan: RoundPlan = {
  rounds: 2,
  participation: { kind: 'fraction', value: 1 },
  minCompletion: 1,
  deadlineMs: null,
  maxClientWeight: 1,
};

function configError(f: () => unknown): StarlingError {
  try {
    f();
  } catch (e) {
    if (e instanceof StarlingError) return e;
    throw e;
  }
  throw new Error('expected a StarlingError');
}

describe('the aggregator table', () => {
  it('builds mean by name and refuses unknown kinds and options, naming the option path', () => {
    expect(makeAggregator({ kind: 'mean' }).kind).toBe('mean');
    const unknown = configError(() => makeAggregator({ kind: 'medoid' }));
    expect(unknown.code).toBe('config');
    expect(unknown.message).toBe(
      'algorithm.aggregator.kind must be one of mean, median, trimmed_mean, krum, multi_krum, geomed, centered_clip, norm_bound, got "medoid"',
    );
    expect(configError(() => makeAggregator({ kind: 'mean', trim: 0.1 })).message).toBe(
      'algorithm.aggregator.trim must be absent (the mean aggregator takes kind), got 0.1',
    );
    expect(configError(() => makeAggregator(null, { path: 'server.aggregator' })).message).toMatch(
      /^server\.aggregator must be an object/,
    );
  });

  it('a kind registered in an extended table validates its options and runs through the RoundMachine', () => {
    expect(configError(() => makeAggregator({ kind: 'scaled-sum', factor: 0 }, { table })).message).toBe(
      'algorithm.aggregator.factor must be > 0, got 0',
    );
    expect(() => makeAggregator({ kind: 'scaled-sum' })).toThrow('norm_bound, got "scaled-sum"');
    const aggregator = makeAggregator({ kind: 'scaled-sum', factor: 0.5 }, { table });
    const m = new RoundMachine(
      new Float32Array(2),
      [0, 1, 2],
      plan,
      new ServerOptimizer({ kind: 'plain' }),
      jsKernels,
      Rng.fromSeed(1),
      { aggregator },
    );
    m.handle({ type: 'start' });
    const update = (round: number, node: number, a: number, b: number, samples: number) =>
      m.handle({ type: 'update', round, node, samples, trainLoss: 0, delta: Float32Array.of(a, b) });
    update(0, 2, 1, 10, 100);
    update(0, 0, 2, 20, 1);
    update(0, 1, 4, 40, 1);
    // Round 0: 0.5·(2 + 4 + 1, 20 + 40 + 10) whatever the sample counts: (3.5, 35).
    expect(Array.from(m.params)).toEqual([3.5, 35]);
    // Round 1: node 1 fails, so minCompletion 1 is not met (quorum plan): the model stays.
    update(1, 0, 1, 1, 1);
    update(1, 2, 1, 1, 1);
    const cmds = m.handle({ type: 'failure', round: 1, node: 1, reason: 'gone' });
    expect(cmds[0]).toMatchObject({ type: 'round-closed', summary: { aggregated: false } });
    expect(Array.from(m.params)).toEqual([3.5, 35]);
  });
});
