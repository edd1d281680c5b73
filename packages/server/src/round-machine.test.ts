import { jsKernels, Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { RoundMachine } from './round-machine.js';
import type { RoundPlan, ServerCommand } from './round-types.js';
import { ServerOptimizer } from './server-optimizer.js';

const plan = (over: Partial<RoundPlan> = {}): RoundPlan => ({
  rounds: 3,
  participation: { kind: 'count', value: 2 },
  minCompletion: 0.5,
  deadlineMs: 1000,
  maxClientWeight: 1,
  ...over,
});

function machine(p: RoundPlan, nodes = [0, 1, 2, 3], seed = 1) {
  return new RoundMachine(
    new Float32Array(2),
    nodes,
    p,
    new ServerOptimizer({ kind: 'plain' }),
    jsKernels,
    Rng.fromSeed(seed),
  );
}

const dispatched = (cmds: ServerCommand[]) =>
  cmds.find((c) => c.type === 'dispatch') as Extract<ServerCommand, { type: 'dispatch' }>;
const update = (round: number, node: number, value: number, samples = 1) => ({
  type: 'update' as const,
  round,
  node,
  samples,
  trainLoss: value,
  delta: Float32Array.from([value, value]),
});

describe('RoundMachine', () => {
  it('selects the same participants for the same seed and round', () => {
    const a = dispatched(machine(plan()).handle({ type: 'start' })).nodes;
    const b = dispatched(machine(plan()).handle({ type: 'start' })).nodes;
    expect(a).toEqual(b);
    expect(a).toHaveLength(2);
  });

  it('averages by sample count, in node order, independent of arrival order', () => {
    const run = (order: number[]) => {
      const m = machine(plan({ participation: { kind: 'fraction', value: 1 }, rounds: 1 }), [0, 1]);
      m.handle({ type: 'start' });
      for (const n of order) m.handle(update(0, n, n === 0 ? 1 : 4, n === 0 ? 3 : 1));
      return Array.from(m.params);
    };
    expect(run([0, 1])).toEqual([1.75, 1.75]); // (3·1 + 1·4)/4
    expect(run([1, 0])).toEqual(run([0, 1]));
  });

  it('rejects a late update from a closed round and never applies it later', () => {
    const m = machine(plan({ participation: { kind: 'fraction', value: 1 } }), [0, 1]);
    m.handle({ type: 'start' });
    m.handle(update(0, 0, 1));
    m.handle({ type: 'deadline', round: 0 }); // node 1 missed round 0
    const before = Array.from(m.params);
    const cmds = m.handle(update(0, 1, 100));
    expect(cmds).toEqual([{ type: 'rejected', node: 1, round: 0, reason: 'update for round 0 while round 1 is open' }]);
    expect(Array.from(m.params)).toEqual(before);
  });

  it('closes a round with the survivors when a node is lost, if enough replied', () => {
    const m = machine(plan({ participation: { kind: 'fraction', value: 1 }, rounds: 1 }), [0, 1]);
    m.handle({ type: 'start' });
    m.handle(update(0, 0, 2));
    const cmds = m.handle({ type: 'node-lost', node: 1, reason: 'heartbeat timeout' });
    const closed = cmds.find((c) => c.type === 'round-closed');
    expect(closed).toMatchObject({
      summary: { aggregated: true, results: [{ node: 0 }], failures: [{ node: 1, reason: 'heartbeat timeout' }] },
    });
    expect(Array.from(m.params)).toEqual([2, 2]);
  });

  it('leaves the model unchanged when fewer than minCompletion replied', () => {
    const m = machine(plan({ participation: { kind: 'fraction', value: 1 }, minCompletion: 1, rounds: 1 }), [0, 1]);
    m.handle({ type: 'start' });
    m.handle(update(0, 0, 2));
    const cmds = m.handle({ type: 'deadline', round: 0 });
    expect(cmds[0]).toMatchObject({ type: 'round-closed', summary: { aggregated: false } });
    expect(Array.from(m.params)).toEqual([0, 0]);
  });

  it('rejects unsolicited and duplicate updates', () => {
    const m = machine(plan({ participation: { kind: 'count', value: 2 } }), [0, 1, 2]);
    const chosen = dispatched(m.handle({ type: 'start' })).nodes;
    const other = [0, 1, 2].find((n) => !chosen.includes(n)) as number;
    expect(m.handle(update(0, other, 1))[0]).toMatchObject({ type: 'rejected' });
    m.handle(update(0, chosen[0], 1));
    expect(m.handle(update(0, chosen[0], 1))[0]).toMatchObject({ type: 'rejected', reason: /already answered/ });
  });

  it('fails a node whose update or training loss is non-finite, and the round still closes', () => {
    const m = machine(plan({ participation: { kind: 'fraction', value: 1 }, rounds: 1 }), [0, 1]);
    m.handle({ type: 'start' });
    const bad = update(0, 0, 1);
    bad.delta[1] = Number.NaN;
    expect(m.handle(bad)).toEqual([]);
    const cmds = m.handle({ ...update(0, 1, 1), trainLoss: Number.POSITIVE_INFINITY });
    expect(cmds[0]).toMatchObject({
      type: 'round-closed',
      summary: {
        aggregated: false,
        results: [],
        failures: [
          { node: 0, reason: 'non-finite: update[1] is NaN' },
          { node: 1, reason: 'non-finite: training loss Infinity' },
        ],
      },
    });
    expect(Array.from(m.params)).toEqual([0, 0]);
  });

  it('fails the run after maxFailedRounds consecutive rounds aggregated nothing', () => {
    const m = machine(plan({ participation: { kind: 'fraction', value: 1 }, rounds: 10, maxFailedRounds: 2 }), [0]);
    m.handle({ type: 'start' });
    const nan = (round: number) => ({ ...update(round, 0, 1), trainLoss: Number.NaN });
    m.handle(nan(0));
    m.handle(update(1, 0, 1)); // aggregated: the streak starts over
    expect(m.handle(nan(2)).map((c) => c.type)).toEqual(['round-closed', 'dispatch', 'arm-deadline']);
    const cmds = m.handle(nan(3));
    expect(cmds.map((c) => c.type)).toEqual(['round-closed', 'finished']);
    const failed = '2 consecutive rounds aggregated nothing (rounds 2-3); in round 3 1 of 1 selected nodes failed';
    expect(cmds[1]).toEqual({ type: 'finished', completedRounds: 4, failed: `${failed} (non-finite ×1)` });
    expect(m.failed).toMatch(/^2 consecutive rounds aggregated nothing/);
    expect(m.handle(update(4, 0, 1))).toEqual([]);
  });

  it('never fails the run for empty rounds without maxFailedRounds', () => {
    const m = machine(plan({ participation: { kind: 'fraction', value: 1 }, rounds: 5 }), [0]);
    m.handle({ type: 'start' });
    for (let r = 0; r < 4; r++) m.handle({ type: 'failure', round: r, node: 0, reason: 'train-failed: boom' });
    const cmds = m.handle({ type: 'failure', round: 4, node: 0, reason: 'train-failed: boom' });
    expect(cmds.map((c) => c.type)).toEqual(['round-closed', 'finished']);
    expect(m.failed).toBeNull();
  });

  it('skips its delta scan only for an update the runtime says it already found finite', () => {
    const m = machine(plan({ participation: { kind: 'count', value: 1 }, rounds: 1 }), [0]);
    m.handle({ type: 'start' });
    const claimed = { ...update(0, 0, 1), finite: true };
    claimed.delta[0] = Number.POSITIVE_INFINITY; // a false claim gets through: the claim is the runtime's duty
    expect(m.handle(claimed).map((c) => c.type)).toEqual(['round-closed', 'finished']);
  });

  it('finishes after the planned rounds', () => {
    const m = machine(plan({ participation: { kind: 'fraction', value: 1 }, rounds: 2 }), [0]);
    m.handle({ type: 'start' });
    m.handle(update(0, 0, 1));
    const cmds = m.handle(update(1, 0, 1));
    expect(cmds.map((c) => c.type)).toEqual(['round-closed', 'finished']);
  });

  it('says which selected nodes are still awaited in the open round (none before the start or after the finish)', () => {
    const m = machine(plan({ participation: { kind: 'fraction', value: 1 }, rounds: 1 }), [0, 1, 2]);
    expect(m.awaiting).toEqual([]);
    m.handle({ type: 'start' });
    expect(m.awaiting).toEqual([0, 1, 2]);
    m.handle(update(0, 1, 1));
    m.handle({ type: 'failure', round: 0, node: 2, reason: 'x' });
    expect(m.awaiting).toEqual([0]);
    m.handle(update(0, 0, 1));
    expect(m.awaiting).toEqual([]);
  });

  it('resumeAt(r) continues with round r + 1, its participants and the model handed over', () => {
    const p = plan({ rounds: 5, deadlineMs: null });
    const run = (m: RoundMachine, cmds: ServerCommand[], upTo: number) => {
      const picked: number[][] = [];
      for (let d = dispatched(cmds); d && d.round <= upTo; ) {
        picked.push([...d.nodes]);
        let next: ServerCommand[] = [];
        for (const n of d.nodes) next = m.handle(update(d.round, n, 0.1 * (n + 1) + d.round));
        d = dispatched(next);
      }
      return picked;
    };
    const whole = machine(p);
    const all = run(whole, whole.handle({ type: 'start' }), 4);
    const first = machine(p);
    run(first, first.handle({ type: 'start' }), 1);
    const resumed = machine(p);
    resumed.resumeAt(1, first.params);
    expect(run(resumed, resumed.handle({ type: 'start' }), 4)).toEqual(all.slice(2));
    expect(Array.from(resumed.params)).toEqual(Array.from(whole.params));
    expect(() => machine(p).resumeAt(4, first.params)).toThrow(/cannot resume after round 4/);
  });
});
