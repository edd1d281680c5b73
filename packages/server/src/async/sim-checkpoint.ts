import { errors, type Rng, VirtualClock } from '@starling/core';
import type { ArrivedUpdate, AsyncRule } from './async-rule.js';
import type { SimCore, SimEvent } from './async-sim.js';
import { type AsyncSimState, type SimEventState, wordsUsed } from './async-sim-state.js';
import { IdlePool } from './idle-pool.js';

/** The simulation's state between two server updates (copies: nothing is shared with the run). */
export function captureSim(c: SimCore, rng: Rng, rule: AsyncRule): AsyncSimState {
  const events: SimEventState[] = [...c.pending.values()]
    .sort((a, b) => a.event.seq - b.event.seq)
    .map(({ time, client, event: e }) =>
      e.kind === 'arrive'
        ? { time, client, kind: e.kind, version: e.version, result: { ...e.result }, vector: e.vector.slice() }
        : { time, client, kind: e.kind },
    );
  return {
    now: c.clock.now,
    version: c.version,
    inFlight: c.inFlight,
    dispatchQueued: c.dispatchQueued,
    since: { ...c.since },
    drawn: wordsUsed(rng.position()),
    idle: [...c.idle.order],
    dispatches: c.dispatches.slice(),
    events,
    held: rule.holding.map((u) => ({ ...u, vector: u.vector.slice() })),
  };
}

/**
 * Puts a fresh simulation into the state `s` captured: the clock at `s.now` with the pending events
 * scheduled again in their original order (so ties break as before), the draws' stream moved past what
 * it had used (`rng` must be a fresh `fork('async')` of the run's seed), the rule's held updates back.
 */
export function restoreSim(c: SimCore, s: AsyncSimState, rng: Rng, rule: AsyncRule, clients: number): void {
  if (s.dispatches.length !== clients || s.idle.some((id) => !(id >= 0 && id < clients)))
    throw errors.data('checkpoint', `the async simulation's clients do not fit this run (${clients} clients)`);
  if (wordsUsed(rng.position()) !== 0) throw errors.runtime('restoreSim needs a fresh draws stream');
  rng.skip(s.drawn);
  c.clock = new VirtualClock<SimEvent>(s.now);
  c.idle = new IdlePool(clients, rng, s.idle);
  c.dispatches = s.dispatches.slice();
  c.version = s.version;
  c.inFlight = s.inFlight;
  c.dispatchQueued = s.dispatchQueued;
  c.since = { ...s.since };
  for (const e of s.events) {
    const seq = c.seq++;
    const event: SimEvent =
      e.kind === 'arrive'
        ? { kind: 'arrive', seq, version: need(e.version), result: need(e.result), vector: need(e.vector).slice() }
        : { kind: e.kind, seq };
    c.pending.set(seq, { time: e.time, client: e.client, event });
    c.clock.schedule(e.time, e.client, event);
  }
  const held: ArrivedUpdate[] = s.held.map((u) => ({ ...u, vector: u.vector.slice() }));
  rule.hold(held);
  for (const u of held) c.live.add(u);
}

function need<T>(v: T | undefined): T {
  if (v === undefined) throw errors.data('checkpoint', 'an arrival event of the async simulation lacks its data');
  return v;
}
