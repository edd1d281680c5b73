import { jsKernels, Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { fedAsyncRule } from '../async/fedasync-rule.js';
import { fedBuffRule } from '../async/fedbuff-rule.js';
import { ServerOptimizer } from '../server-optimizer.js';
import { AsyncLoop, type AsyncLoopOptions } from './async-loop.js';

const all = () => true;

function loop(rule: AsyncLoopOptions['rule'], concurrency: number, model = [0, 0], rounds = 100) {
  return new AsyncLoop({
    clients: 4,
    concurrency,
    rounds,
    rng: Rng.fromSeed(1).fork('async'),
    rule,
    model: new Float32Array(model),
    assignedSamples: () => 10,
  });
}

const buff = (k: number) =>
  fedBuffRule({
    bufferSize: k,
    staleness: { kind: 'polynomial', a: 1 },
    optimizer: new ServerOptimizer({ kind: 'plain', lr: 1 }),
    maxClientWeight: 1,
    kernels: jsKernels,
  });

const update = (ticket: number, client: number, delta: number[], samples = 10) => ({
  ticket,
  client,
  samples,
  trainLoss: 1,
  delta: new Float32Array(delta),
  bytes: 4 * delta.length,
});

describe('AsyncLoop', () => {
  it('keeps `concurrency` clients in flight, each dispatch with its own ticket', () => {
    const l = loop(buff(2), 3);
    const first = l.fill(all);
    expect(first.map((f) => f.ticket)).toEqual([0, 1, 2]);
    expect(new Set(first.map((f) => f.client)).size).toBe(3);
    expect(first.every((f) => f.version === 0)).toBe(true);
    expect(l.fill(all)).toEqual([]);
    expect(l.arrive(update(1, first[1].client, [1, 1])).kind).toBe('held');
    const next = l.fill(all);
    expect(next.map((f) => f.ticket)).toEqual([3]);
    expect(l.inFlight).toBe(3);
  });

  it('FedBuff applies the K buffered updates with staleness = current version − downloaded version', () => {
    const l = loop(buff(2), 2);
    const [a, b] = l.fill(all);
    expect(l.arrive(update(a.ticket, a.client, [2, 0])).kind).toBe('held');
    const c = l.fill(all)[0]; // dispatched at version 0
    const applied = l.arrive(update(b.ticket, b.client, [0, 2]));
    expect(applied.kind).toBe('applied');
    expect(Array.from(l.model)).toEqual([1, 1]); // mean of the two, lr 1
    expect(l.version).toBe(1);
    const d = l.fill(all)[0]; // version 1
    l.arrive(update(d.ticket, d.client, [1, 0]));
    const second = l.arrive(update(c.ticket, c.client, [0, 4]));
    if (second.kind !== 'applied') throw new Error('expected a server update');
    // c trained from version 0 and arrived at version 1: staleness 1, weight ½·(1 + 1)^(−1).
    expect([...second.record.staleness].sort()).toEqual([0, 1]);
    expect(second.record.round).toBe(1);
    expect(second.record.payloadBytesUp).toBe(16);
    expect(Array.from(l.model)).toEqual([1.5, 2]);
  });

  it('FedAsync mixes x_τ + Δ with the model the client downloaded, not the current one', () => {
    const l = loop(fedAsyncRule(0.5, { kind: 'constant' }), 2, [0, 0]);
    const [a, b] = l.fill(all);
    l.arrive(update(a.ticket, a.client, [4, 4])); // x = 0.5·0 + 0.5·(0 + 4) = 2
    expect(Array.from(l.model)).toEqual([2, 2]);
    const r = l.arrive(update(b.ticket, b.client, [2, -2])); // x_τ = 0: x = 0.5·2 + 0.5·(0 + (2, −2))
    expect(r.kind === 'applied' && r.record.staleness).toEqual([1]);
    expect(Array.from(l.model)).toEqual([2, 0]);
  });

  it('counts late and duplicate answers, refuses a wrong weight or length, and frees slots on failure and loss', () => {
    const l = loop(buff(10), 3);
    const [a, b, c] = l.fill(all);
    expect(l.arrive(update(a.ticket, a.client, [1, 1])).kind).toBe('held');
    expect(l.arrive(update(a.ticket, a.client, [1, 1])).kind).toBe('late'); // duplicate
    expect(l.arrive(update(99, a.client, [1, 1])).kind).toBe('late'); // never dispatched
    expect(l.arrive(update(b.ticket, (b.client + 1) % 4, [1, 1])).kind).toBe('late'); // another client's ticket
    expect(l.arrive(update(b.ticket, b.client, [1, 1], 11))).toMatchObject({ kind: 'refused' });
    expect(l.fail(c.ticket, c.client, 'train-failed: boom')).toBe(true);
    expect(l.fail(c.ticket, c.client, 'train-failed: boom')).toBe(false);
    expect(l.inFlight).toBe(0);
    const again = l.fill(all);
    expect(again).toHaveLength(3);
    const badLength = l.arrive(update(again[0].ticket, again[0].client, [1, 1, 1]));
    expect(badLength).toMatchObject({ kind: 'refused' });
    expect(l.lose((client) => client === again[1].client)).toBe(1);
    // a lost client is idle again, but the caller's `reachable` passes it over while its host is gone
    const refill = l.fill((client) => client !== again[1].client);
    expect(refill.every((f) => f.client !== again[1].client)).toBe(true);
  });

  it('is stuck after 10 × concurrency failures in a row; an update in between starts the count again', () => {
    const l = loop(buff(10), 2);
    const open = l.fill(all);
    const take = () => {
      const f = open.shift();
      if (f === undefined) throw new Error('nothing in flight');
      return f;
    };
    const failNext = () => {
      const f = take();
      l.fail(f.ticket, f.client, 'non-finite: NaN');
      open.push(...l.fill(all));
    };
    for (let i = 0; i < 19; i++) failNext();
    expect(l.stuck).toBe(false);
    const f = take();
    expect(l.arrive(update(f.ticket, f.client, [0, 0])).kind).toBe('held');
    open.push(...l.fill(all));
    for (let i = 0; i < 19; i++) failNext();
    expect(l.stuck).toBe(false);
    failNext();
    expect(l.stuck).toBe(true);
  });

  it('stops dispatching once `rounds` server updates were applied', () => {
    const l = loop(fedAsyncRule(1, { kind: 'constant' }), 1, [0, 0], 2);
    for (let i = 0; i < 2; i++) {
      const [f] = l.fill(all);
      expect(f.version).toBe(i); // one client in flight: never stale
      const r = l.arrive(update(f.ticket, f.client, [1, 0]));
      expect(r.kind === 'applied' && r.record.staleness).toEqual([0]);
    }
    expect(l.finished).toBe(true);
    expect(l.fill(all)).toEqual([]);
    expect(Array.from(l.model)).toEqual([2, 0]);
  });
});
