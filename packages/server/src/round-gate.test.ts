import { ALWAYS_ONLINE, type ClientProfile, IntervalAvailability, jsKernels, Rng, SyncRounds } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { RoundMachine } from './round-machine.js';
import type { RoundPlan, ServerCommand } from './round-types.js';
import { ServerOptimizer } from './server-optimizer.js';

const D = 4;
const plan: RoundPlan = {
  rounds: 2,
  participation: { kind: 'count', value: 2 },
  minCompletion: 0.5,
  deadlineMs: null,
  maxClientWeight: 1,
};
// Client i computes one step in secondsPerStep[i]; links are free: completion time = that.
function gated(secondsPerStep: number[], overCommit: number, deadlineS: number | null = null, offline = -1, k = 2) {
  const profiles: ClientProfile[] = secondsPerStep.map((seconds, id) => ({
    id,
    compute: { per: 'step', seconds },
    uplinkBps: Number.POSITIVE_INFINITY,
    downlinkBps: Number.POSITIVE_INFINITY,
    latencyS: 0,
    loss: null,
    localEpochs: null,
    availability: id === offline ? new IntervalAvailability([[100, 200]], null) : ALWAYS_ONLINE,
  }));
  const gate = new SyncRounds({
    profiles,
    work: () => ({ steps: 1, examples: 10 }),
    downBytes: () => 4 * D,
    minDownBytes: 4 * D,
    minUpBytes: 4 * D,
    deadlineS,
    overCommit,
  });
  const ids = secondsPerStep.map((_, i) => i);
  const p = { ...plan, participation: { kind: 'count' as const, value: k } };
  const optimizer = new ServerOptimizer({ kind: 'plain' });
  const machine = new RoundMachine(new Float32Array(D), ids, p, optimizer, jsKernels, Rng.fromSeed(1), { gate });
  return { machine, gate };
}
const update = (node: number, round = 0) => ({
  type: 'update' as const,
  round,
  node,
  samples: 10,
  trainLoss: 0,
  delta: new Float32Array(D).fill(node + 1),
  bytes: 4 * D,
});
const closed = (cmds: ServerCommand[]) => cmds.find((c) => c.type === 'round-closed');

describe('RoundMachine with a virtual-clock gate', () => {
  it('over-commit 0.5 draws 3 for K = 2 and aggregates the two fastest; the slow one is late, then refused', () => {
    const { machine } = gated([5, 1, 2], 0.5);
    const [dispatch] = machine.handle({ type: 'start' });
    expect(dispatch).toMatchObject({ type: 'dispatch', nodes: [0, 1, 2] });
    // The slow client answers first: nothing is decided while faster ones are outstanding.
    expect(closed(machine.handle(update(0)))).toBeUndefined();
    expect(closed(machine.handle(update(2)))).toBeUndefined();
    const c = closed(machine.handle(update(1)));
    expect(c?.type === 'round-closed' && c.summary).toMatchObject({
      results: [{ node: 1 }, { node: 2 }],
      failures: [{ node: 0, reason: 'late' }],
      aggregated: true,
    });
    // Mean of Δ = 2 and Δ = 3 (equal weights): the late client's 1 is not in it.
    expect(Array.from(machine.params)).toEqual([2.5, 2.5, 2.5, 2.5]);
  });

  it('closes as soon as the K fastest are in, and refuses the late update that arrives after', () => {
    const { machine } = gated([5, 1, 2], 0.5);
    machine.handle({ type: 'start' });
    machine.handle(update(1));
    expect(closed(machine.handle(update(2)))).toBeDefined();
    expect(machine.handle(update(0))).toContainEqual(expect.objectContaining({ type: 'rejected', node: 0, round: 0 }));
  });

  it('drops an offline client without dispatching it, and a deadline makes the slower one late', () => {
    const { machine: m, gate } = gated([1, 3, 2], 0, 2.5, 0, 3);
    const [dispatch] = m.handle({ type: 'start' });
    expect(dispatch).toMatchObject({ type: 'dispatch', nodes: [1, 2] });
    const c = closed(m.handle(update(2)));
    expect(c?.type === 'round-closed' && c.summary.failures).toEqual([
      { node: 0, reason: 'offline' },
      { node: 1, reason: 'late' },
    ]);
    expect(gate.record(0)).toMatchObject({ late: 1, dropped: 1, endS: 2.5 });
  });
});
