import { describe, expect, it } from 'vitest';
import { ALWAYS_ONLINE, type Availability, IntervalAvailability } from './availability.js';
import { plannedWork } from './local-work.js';
import type { ClientProfile } from './profile.js';
import { SyncRounds } from './sync-rounds.js';

const BYTES = 4000; // a 1,000-parameter model, raw both ways
const profile = (
  id: number,
  compute: ClientProfile['compute'],
  up: number,
  down: number,
  latencyS: number,
  availability: Availability = ALWAYS_ONLINE,
): ClientProfile => ({
  id,
  compute,
  uplinkBps: up,
  downlinkBps: down,
  latencyS,
  loss: null,
  localEpochs: null,
  availability,
});

// Hand-computed completion times (down + compute + up), B = 10, E = 1:
// c0: 0.1 + 32000/2e6 = 0.116; 100 examples × 0.01 = 1.0; 0.1 + 32000/1e6 = 0.132 → 1.248
// c1: 0.2 + 32000/1e6 = 0.232; 5 steps × 0.05 = 0.25;     0.2 + 32000/5e5 = 0.264 → 0.746
// c2: 0 + 32000/1e5 = 0.32;    200 examples × 0.002 = 0.4; 0 + 32000/1e5 = 0.32   → 1.04
const sizes = [100, 50, 200];
function clients(avail: Availability[] = []): ClientProfile[] {
  return [
    profile(0, { per: 'example', seconds: 0.01 }, 1e6, 2e6, 0.1, avail[0]),
    profile(1, { per: 'step', seconds: 0.05 }, 5e5, 1e6, 0.2, avail[1]),
    profile(2, { per: 'example', seconds: 0.002 }, 1e5, 1e5, 0, avail[2]),
  ];
}
function rounds(
  opts: { deadlineS?: number; overCommit?: number; avail?: Availability[]; minUpBytes?: number } = {},
): SyncRounds {
  return new SyncRounds({
    profiles: clients(opts.avail),
    work: (node) => plannedWork(sizes[node], { epochs: 1, batchSize: 10 }),
    downBytes: () => BYTES,
    minDownBytes: BYTES,
    minUpBytes: opts.minUpBytes ?? BYTES,
    deadlineS: opts.deadlineS ?? null,
    overCommit: opts.overCommit ?? 0,
  });
}
/** Opens round `round` on all three, answers in `order`; returns what the close decided. */
function play(g: SyncRounds, order: number[], round = 0) {
  const { offline, target } = g.open(round, [0, 1, 2]);
  let readyAfter = -1;
  for (const [i, node] of order.entries()) {
    g.answer(node, true, BYTES);
    if (readyAfter < 0 && g.ready()) readyAfter = i + 1;
  }
  const closed = g.close();
  return { offline, target, readyAfter, ...closed, rec: g.record(round)! };
}

describe('synchronous rounds on the virtual clock', () => {
  it('a round lasts as long as its slowest client: the hand-computed 1.248 s, then 2.496 s cumulative', () => {
    const g = rounds();
    const r = play(g, [0, 1, 2]);
    expect(r.rec.endS).toBeCloseTo(1.248, 12);
    expect(r.rec.times).toEqual([expect.closeTo(0.746, 12), expect.closeTo(1.04, 12), expect.closeTo(1.248, 12)]);
    expect([...r.accepted].sort()).toEqual([0, 1, 2]);
    play(g, [2, 0, 1], 1);
    expect(g.clock.now).toBeCloseTo(2.496, 12);
  });

  it('over-commit 0.5 on 3 drawn aggregates the K = 2 fastest, whatever order updates arrive in', () => {
    for (const order of [
      [0, 1, 2],
      [2, 1, 0],
      [1, 2, 0],
    ]) {
      const r = play(rounds({ overCommit: 0.5 }), order);
      expect(r.target).toBe(2);
      expect([...r.accepted].sort()).toEqual([1, 2]);
      expect([...r.outcomes]).toEqual([[0, 'late']]);
      expect(r.rec).toMatchObject({ late: 1, dropped: 0 });
      expect(r.rec.endS).toBeCloseTo(1.04, 12); // the round ends when the K-th finishes
    }
    // Over sockets the round closes as soon as the two fastest are in, before the slow one answers.
    expect(play(rounds({ overCommit: 0.5 }), [1, 2, 0]).readyAfter).toBe(2);
    // ... but not while a client that may still come first is outstanding.
    expect(play(rounds({ overCommit: 0.5 }), [0, 1, 2]).readyAfter).toBe(3);
  });

  it('ties in virtual time go to the smaller client id', () => {
    const same = [0, 1, 2].map((id) => profile(id, { per: 'step', seconds: 1 }, 1e6, 1e6, 0));
    const g = new SyncRounds({
      profiles: same,
      work: () => ({ steps: 3, examples: 30 }),
      downBytes: () => BYTES,
      minDownBytes: BYTES,
      minUpBytes: BYTES,
      deadlineS: null,
      overCommit: 0.5,
    });
    expect([...play(g, [2, 1, 0]).accepted].sort()).toEqual([0, 1]);
  });

  it('a deadline counts later clients late and ends the round at the deadline', () => {
    const r = play(rounds({ deadlineS: 1 }), [2, 0, 1]);
    expect([...r.accepted]).toEqual([1]);
    expect(new Map(r.outcomes)).toEqual(
      new Map([
        [0, 'late'],
        [2, 'late'],
      ]),
    );
    expect(r.rec).toMatchObject({ late: 2, dropped: 0, startS: 0, endS: 1 });
    // Decided as soon as client 1 is in: the others cannot make the deadline (their lower bounds exceed it).
    expect(play(rounds({ deadlineS: 1 }), [1, 0, 2]).readyAfter).toBe(1);
  });

  it('drops clients offline when the round opens, and those that go offline before they finish', () => {
    const avail = [
      new IntervalAvailability([[0, 1.2]], null),
      ALWAYS_ONLINE,
      new IntervalAvailability([[5, 10]], null),
    ];
    const g = rounds({ avail });
    const { offline } = g.open(0, [0, 1, 2]);
    expect(offline).toEqual([2]);
    g.answer(0, true, BYTES); // done at 1.248, offline from 1.2
    g.answer(1, true, BYTES);
    const closed = g.close();
    expect([...closed.accepted]).toEqual([1]);
    expect([...closed.outcomes]).toEqual([[0, 'offline']]);
    // The server notices client 0 gone at 1.2 s: the round ends there, not at its would-be finish.
    expect(g.record(0)).toMatchObject({ late: 0, dropped: 2, endS: 1.2 });
  });

  it('a failed client before the close keeps its own failure; uplink time follows the actual payload bytes', () => {
    const g = rounds({ minUpBytes: 100 });
    g.open(0, [0, 1, 2]);
    g.answer(0, true, 400); // a compressed update: 0.1 + 3200/1e6 = 0.1032 up → 1.2192
    g.answer(1, false, undefined);
    g.answer(2, true, BYTES);
    const closed = g.close();
    expect([...closed.accepted].sort()).toEqual([0, 2]);
    expect(closed.outcomes.size).toBe(0);
    expect(g.record(0)?.endS).toBeCloseTo(1.2192, 12);
  });
});
