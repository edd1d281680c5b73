// The server's hold on a round's cross-process slot (processes runtime) lasts until the round closes, even
// when the round machine stops following the slot's sum. The slot also carries the round's model: a host
// that reads its task late (descheduled, in GC) must still find the slot open for that round. Found by a
// processes run with a compressed uplink (its updates arrive as payloads, never claimed in the slot): the
// first update dropped the pre-reduced sum and its hold, a late host then found the slot closed, its nodes
// failed with `stale-model`, and the run ended on another model without a word.
import { jsKernels, Rng } from '@starling/core';
import { loadShm } from '@starling/native';
import { meanAggregator, RoundMachine, type RoundPlan, type ServerCommand, ServerOptimizer } from '@starling/server';
import { joinSlot, leaveSlot, SharedLane, ShmRounds, slotViews } from '@starling/transport';
import { describe, expect, it } from 'vitest';
import { alive } from '../e2e/e2e-helpers.js';

const shm = loadShm().addon;
const P = 7;
const plan: RoundPlan = {
  rounds: 2,
  participation: { kind: 'fraction', value: 1 },
  minCompletion: 1,
  deadlineMs: null,
  maxClientWeight: 1,
};

describe.skipIf(shm === null)("the server holds a round's slot until the round closes", () => {
  it("a host that joins after another host's unclaimed updates still finds the slot and the model open", () => {
    if (!shm) return;
    const rounds = new ShmRounds(shm, alive);
    const lane = new SharedLane(rounds);
    const m = new RoundMachine(
      new Float32Array(P).fill(0.25),
      [0, 1, 2, 3],
      plan,
      new ServerOptimizer({ kind: 'plain' }),
      jsKernels,
      Rng.fromSeed(5),
      { aggregator: meanAggregator(), expectedSamples: () => 4 },
    );
    const d = m.handle({ type: 'start' }).find((c) => c.type === 'dispatch');
    if (d?.type !== 'dispatch' || !d.reduce) throw new Error('round 0 offers no reduction');
    const model = Float32Array.from(d.model);
    const pre = lane.openRoundReduction(d.round, d.nodes, d.reduce.weights, P, d.reduce.backend, model);
    if (!pre) throw new Error('no slot');
    d.reduce.adopt(pre);
    const c = lane.taskConfig(d.round, [0, 1]);
    if (!c) throw new Error('no task config');
    const slot = slotViews(shm.map(rounds.fd, c.bytes), c.base, c.cap, P, 4);
    const update = (node: number): ServerCommand[] =>
      m.handle({ type: 'update', round: 0, node, samples: 4, trainLoss: 1, delta: new Float32Array(P).fill(node) });
    // host A joins, trains nodes 0 and 1 outside the slot's sum (as with a compressed uplink) and leaves
    expect(joinSlot(slot.words, 0, 1001)).toBe(true);
    expect(update(0)).toEqual([]);
    expect(update(1)).toEqual([]);
    leaveSlot(slot.words, 1001);
    // host B reads its task only now: the round is open, so the slot and the model in it must be too
    expect(joinSlot(slot.words, 0, 1002)).toBe(true);
    expect(Array.from(slot.model)).toEqual(Array.from(model));
    expect(update(2)).toEqual([]);
    const closed = update(3).find((x) => x.type === 'round-closed');
    leaveSlot(slot.words, 1002);
    expect(closed?.type === 'round-closed' && closed.summary.failures).toEqual([]);
    // the mean of the four updates, added on the main thread once the slot's sum was dropped
    expect(Array.from(m.params)).toEqual(new Array(P).fill(0.25 + (0 + 1 + 2 + 3) / 4));
    // the round closed: a host of that round may not join any more, and the slot can be reopened
    expect(joinSlot(slot.words, 0, 1003)).toBe(false);
    expect(lane.openRoundReduction(1, [0, 1, 2, 3], d.reduce.weights, P, 'js')).not.toBeNull();
    expect(lane.taskConfig(1, [0, 1])?.base).toBe(c.base);
  });
});
