import { jsKernels, Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import type { Aggregator } from './aggregators/aggregator.js';
import { RoundMachine } from './round-machine.js';
import type { RoundMachineOptions, RoundPlan, ServerCommand } from './round-types.js';
import { ServerOptimizer } from './server-optimizer.js';

const plan = (over: Partial<RoundPlan> = {}): RoundPlan => ({
  rounds: 4,
  participation: { kind: 'poisson', rate: 0.5 },
  minCompletion: 1,
  deadlineMs: null,
  maxClientWeight: 1,
  ...over,
});

const machine = (p: RoundPlan, hooks: RoundMachineOptions = {}, nodes = Array.from({ length: 20 }, (_, i) => i)) =>
  new RoundMachine(
    new Float32Array(1),
    nodes,
    p,
    new ServerOptimizer({ kind: 'plain' }),
    jsKernels,
    Rng.fromSeed(3),
    hooks,
  );

const find = <T extends ServerCommand['type']>(cmds: ServerCommand[], type: T) =>
  cmds.filter((c) => c.type === type) as Extract<ServerCommand, { type: T }>[];

describe('RoundMachine hooks and Poisson participation', () => {
  it('poisson participation draws each node independently: the count varies by round, reproducibly', () => {
    const counts: number[] = [];
    const m = machine(plan({ rounds: 30 }));
    let cmds = m.handle({ type: 'start' });
    for (let r = 0; r < 30; r++) {
      const d = find(cmds, 'dispatch')[0];
      if (!d) break;
      counts.push(d.nodes.length);
      cmds = d.nodes.flatMap((node) =>
        m.handle({ type: 'update', round: r, node, samples: 1, trainLoss: 0, delta: Float32Array.of(0) }),
      );
    }
    expect(new Set(counts).size).toBeGreaterThan(3);
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    expect(Math.abs(mean - 10)).toBeLessThan(3);
    const again = find(machine(plan({ rounds: 30 })).handle({ type: 'start' }), 'dispatch')[0].nodes;
    expect(again.length).toBe(counts[0]);
  });

  it('an aggregator of quorum own replaces weighted averaging and sees the sampled nodes and the replies in node order', () => {
    const seen: { selected: readonly number[]; nodes: number[]; weights: number[] }[] = [];
    const aggregator: Aggregator = {
      kind: 'constant',
      quorum: 'own',
      aggregate(updates, weights, out, ctx) {
        seen.push({ selected: ctx.selected, nodes: updates.map((u) => u.node), weights: Array.from(weights) });
        out[0] = 100; // a constant update, whatever the replies
        return updates.length > 0;
      },
    };
    const m = machine(
      plan({ participation: { kind: 'fraction', value: 1 }, rounds: 2, minCompletion: 1 }),
      { aggregator },
      [0, 1, 2],
    );
    m.handle({ type: 'start' });
    m.handle({ type: 'update', round: 0, node: 2, samples: 5, trainLoss: 0, delta: Float32Array.of(1) });
    m.handle({ type: 'failure', round: 0, node: 0, reason: 'gone' });
    const cmds = m.handle({ type: 'update', round: 0, node: 1, samples: 1, trainLoss: 0, delta: Float32Array.of(3) });
    expect(find(cmds, 'round-closed')[0].summary.aggregated).toBe(true);
    expect(m.params[0]).toBe(100);
    // minCompletion 1 is not met (node 0 failed): quorum own still aggregates; weights are n_k / Σ n.
    expect(seen[0]).toEqual({ selected: [0, 1, 2], nodes: [1, 2], weights: [1 / 6, 5 / 6] });
  });

  it('a round with no node sampled closes at once and still calls an aggregator of quorum own', () => {
    let calls = 0;
    const aggregator: Aggregator = {
      kind: 'one',
      quorum: 'own',
      aggregate: (updates, _weights, out, ctx) => {
        calls++;
        expect(ctx.selected).toEqual([]);
        expect(updates).toEqual([]);
        out[0] = 1;
        return true;
      },
    };
    const m = machine(plan({ participation: { kind: 'poisson', rate: 1e-9 }, rounds: 3 }), { aggregator });
    const cmds = m.handle({ type: 'start' });
    expect(find(cmds, 'dispatch')).toEqual([]);
    expect(find(cmds, 'round-closed').map((c) => c.summary.round)).toEqual([0, 1, 2]);
    expect(find(cmds, 'finished')).toEqual([{ type: 'finished', completedRounds: 3 }]);
    expect(calls).toBe(3);
    expect(m.params[0]).toBe(3);
  });

  it('beforeRound can stop the run before a round is dispatched, with the reason', () => {
    const m = machine(
      plan({ participation: { kind: 'fraction', value: 1 } }),
      {
        beforeRound: (round) => (round >= 2 ? 'privacy budget' : null),
      },
      [0],
    );
    let cmds = m.handle({ type: 'start' });
    for (let r = 0; r < 2; r++) {
      cmds = m.handle({ type: 'update', round: r, node: 0, samples: 1, trainLoss: 0, delta: Float32Array.of(1) });
    }
    expect(find(cmds, 'dispatch')).toEqual([]);
    expect(find(cmds, 'finished')).toEqual([{ type: 'finished', completedRounds: 2, stoppedEarly: 'privacy budget' }]);
    expect(m.stoppedEarly).toBe('privacy budget');
    expect(m.handle({ type: 'start' })).toEqual([]);
  });
});
