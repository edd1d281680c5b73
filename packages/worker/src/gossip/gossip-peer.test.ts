import { jsKernels } from '@starling/core';
import { completeGraph, metropolisWeights, ringGraph, staticSchedule, toDense } from '@starling/topologies';
import { describe, expect, it } from 'vitest';
import { GossipPeer } from './gossip-peer.js';
import type { GossipAlgorithm } from './gossip-setup.js';
import type { PeerCommand } from './peer-events.js';
import { RoundTopology } from './round-topology.js';

const consensus: GossipAlgorithm = { kind: 'consensus' };

function peer(
  node: number,
  n: number,
  algorithm: GossipAlgorithm,
  initial: number[],
  rounds = 3,
  graph = ringGraph(n),
) {
  return new GossipPeer({
    node,
    algorithm,
    topology: new RoundTopology(staticSchedule(metropolisWeights(graph))),
    rounds,
    reportRound: () => true,
    deadlineMs: 1000,
    kernels: jsKernels,
    initial: Float32Array.from(initial),
  });
}

const of = <T extends PeerCommand['type']>(cmds: PeerCommand[], type: T) =>
  cmds.filter((c): c is Extract<PeerCommand, { type: T }> => c.type === type);

describe('GossipPeer', () => {
  it('sends x to its ring neighbours, waits for both, and mixes with Metropolis weights 1/3', () => {
    const p = peer(1, 5, consensus, [3]);
    const start = p.handle({ type: 'start' });
    expect(of(start, 'send')).toEqual([{ type: 'send', round: 0, to: [0, 2], value: Float32Array.of(3) }]);
    expect(of(start, 'arm-deadline')).toEqual([{ type: 'arm-deadline', round: 0, ms: 1000 }]);
    expect(p.handle({ type: 'received', round: 0, from: 0, value: Float32Array.of(6) })).toEqual([]);
    const done = p.handle({ type: 'received', round: 0, from: 2, value: Float32Array.of(12) });
    const [r] = of(done, 'round-done');
    expect(r.model?.[0]).toBeCloseTo(7, 6);
    expect(r.report).toMatchObject({ round: 0, heard: [0, 2], dropped: [], late: 0 });
    expect(of(done, 'send')[0]).toMatchObject({ round: 1, to: [0, 2] });
  });

  it('leaves a neighbour silent at the deadline out and renormalizes the rest, self weight included', () => {
    const p = peer(1, 5, consensus, [3]);
    p.handle({ type: 'start' });
    p.handle({ type: 'received', round: 0, from: 0, value: Float32Array.of(6) });
    const done = p.handle({ type: 'deadline', round: 0 });
    const [r] = of(done, 'round-done');
    expect(r.model?.[0]).toBe(4.5); // (3/3 + 6/3) / (2/3)
    expect(r.report).toMatchObject({ heard: [0], dropped: [2] });
    // the straggler's value for the closed round is discarded and counted
    p.handle({ type: 'received', round: 0, from: 2, value: Float32Array.of(100) });
    p.handle({ type: 'received', round: 1, from: 0, value: Float32Array.of(0) });
    const next = p.handle({ type: 'received', round: 1, from: 2, value: Float32Array.of(0) });
    expect(of(next, 'round-done')[0].report).toMatchObject({ round: 1, late: 1, dropped: [] });
  });

  it('neither waits for nor sends to a neighbour known lost, until it is back', () => {
    const p = peer(1, 5, consensus, [3]);
    p.handle({ type: 'neighbour-lost', node: 2 });
    expect(of(p.handle({ type: 'start' }), 'send')[0].to).toEqual([0]);
    const done = p.handle({ type: 'received', round: 0, from: 0, value: Float32Array.of(6) });
    expect(of(done, 'round-done')[0].report.dropped).toEqual([2]);
    p.handle({ type: 'neighbour-back', node: 2 });
    const again = p.handle({ type: 'received', round: 1, from: 0, value: Float32Array.of(0) });
    expect(of(again, 'round-done')).toEqual([]); // waits for node 2 again
  });

  it('a lost neighbour back from round r (a replacement host) is left out before r and waited for from r on', () => {
    const p = peer(1, 5, consensus, [3], 4);
    p.handle({ type: 'neighbour-lost', node: 2 });
    p.handle({ type: 'start' });
    p.handle({ type: 'neighbour-back', node: 2, from: 2 });
    // the replacement's round-2 value arrives early: kept for round 2
    p.handle({ type: 'received', round: 2, from: 2, value: Float32Array.of(9) });
    const r0 = p.handle({ type: 'received', round: 0, from: 0, value: Float32Array.of(3) });
    expect(of(r0, 'round-done')[0].report).toMatchObject({ round: 0, heard: [0], dropped: [2] });
    expect(of(r0, 'send')[0].to).toEqual([0]); // round 1: still not sent to node 2
    const r1 = p.handle({ type: 'received', round: 1, from: 0, value: Float32Array.of(3) });
    expect(of(r1, 'round-done')[0].report).toMatchObject({ round: 1, dropped: [2] });
    expect(of(r1, 'send')[0]).toMatchObject({ round: 2, to: [0, 2] }); // round 2: node 2 again
    const r2 = p.handle({ type: 'received', round: 2, from: 0, value: Float32Array.of(3) });
    const [done] = of(r2, 'round-done');
    expect(done.report).toMatchObject({ round: 2, heard: [0, 2], dropped: [] });
    expect(done.model?.[0]).toBeCloseTo(5, 6); // (3 + 3 + 9) / 3
  });

  it('hold stops the peer after the round it is in, until proceed; holdsAfter names that round', () => {
    const p = peer(1, 5, consensus, [3], 5);
    p.handle({ type: 'start' });
    expect(p.holdsAfter).toBe(4); // never granted less: the last round
    p.handle({ type: 'hold' });
    expect(p.holdsAfter).toBe(0);
    p.handle({ type: 'received', round: 0, from: 0, value: Float32Array.of(3) });
    const done = p.handle({ type: 'received', round: 0, from: 2, value: Float32Array.of(3) });
    expect(of(done, 'round-done')).toHaveLength(1);
    expect(of(done, 'send')).toEqual([]); // held after round 0
    expect(p.boundary).toBe(0);
    p.handle({ type: 'hold' }); // a held peer stays where it is
    expect(p.holdsAfter).toBe(0);
    expect(of(p.handle({ type: 'proceed', round: 2 }), 'send')[0]).toMatchObject({ round: 1 });
    expect(p.holdsAfter).toBe(2);
  });

  it('buffers values for later rounds and uses them when it gets there', () => {
    const p = peer(1, 5, consensus, [3], 2);
    p.handle({ type: 'start' });
    p.handle({ type: 'received', round: 1, from: 0, value: Float32Array.of(1) });
    p.handle({ type: 'received', round: 1, from: 2, value: Float32Array.of(1) });
    p.handle({ type: 'received', round: 0, from: 0, value: Float32Array.of(3) });
    const out = p.handle({ type: 'received', round: 0, from: 2, value: Float32Array.of(3) });
    const done = of(out, 'round-done');
    expect(done.map((d) => d.report.round)).toEqual([0, 1]);
    expect(done[1].model?.[0]).toBeCloseTo((3 + 1 + 1) / 3, 6);
    expect(out.at(-1)).toEqual({ type: 'finished', rounds: 2 });
    expect(p.finished).toBe(true);
  });

  it('combine-then-adapt sends x and adds its own step to the average: Σ_j W_ij x_j + Δ_i', () => {
    const cta = peer(0, 3, { kind: 'dpsgd', order: 'cta', localSteps: 1, batchSize: 1 }, [1, 2], 1, completeGraph(3));
    const start = cta.handle({ type: 'start' });
    expect(of(start, 'send')[0].value).toEqual(Float32Array.of(1, 2));
    expect(of(start, 'train')[0].from).toEqual(Float32Array.of(1, 2));
    cta.handle({ type: 'received', round: 0, from: 1, value: Float32Array.of(4, 5) });
    cta.handle({ type: 'received', round: 0, from: 2, value: Float32Array.of(7, 8) });
    const out = cta.handle({ type: 'trained', round: 0, delta: Float32Array.of(-0.5, 0.25), trainLoss: 1, steps: 1 });
    const model = of(out, 'round-done')[0].model as Float32Array;
    expect(model[0]).toBeCloseTo(4 - 0.5, 6);
    expect(model[1]).toBeCloseTo(5 + 0.25, 6);
    expect(of(out, 'round-done')[0].report).toMatchObject({ trainLoss: 1, steps: 1 });
  });

  it('adapt-then-combine trains first, sends ψ = x + Δ and averages the neighbours ψ_j', () => {
    const atc = peer(0, 3, { kind: 'dpsgd', order: 'atc', localSteps: 1, batchSize: 1 }, [1, 2], 1, completeGraph(3));
    const start = atc.handle({ type: 'start' });
    expect(of(start, 'send')).toEqual([]);
    atc.handle({ type: 'received', round: 0, from: 1, value: Float32Array.of(4, 5) });
    const trained = atc.handle({ type: 'trained', round: 0, delta: Float32Array.of(-0.5, 1), trainLoss: 1, steps: 1 });
    expect(of(trained, 'send')[0].value).toEqual(Float32Array.of(0.5, 3));
    const out = atc.handle({ type: 'received', round: 0, from: 2, value: Float32Array.of(7, 8) });
    const model = of(out, 'round-done')[0].model as Float32Array;
    expect(model[0]).toBeCloseTo((0.5 + 4 + 7) / 3, 6);
    expect(model[1]).toBeCloseTo((3 + 5 + 8) / 3, 6);
  });

  it('eight peers exchanging in memory follow x_{t+1} = W x_t of the dense matrix', () => {
    const n = 8;
    const w = metropolisWeights(ringGraph(n));
    const dense = toDense(w);
    let x = Array.from({ length: n }, (_, i) => Math.sin(i + 1));
    const peers = x.map((v, i) => peer(i, n, consensus, [v], 5));
    const inbox: [number, PeerCommand][] = [];
    const feed = (i: number, cmds: PeerCommand[]) => {
      for (const c of cmds) inbox.push([i, c]);
    };
    peers.forEach((p, i) => {
      feed(i, p.handle({ type: 'start' }));
    });
    for (let k = 0; k < inbox.length; k++) {
      const [from, c] = inbox[k];
      if (c.type === 'send')
        for (const to of c.to) feed(to, peers[to].handle({ type: 'received', round: c.round, from, value: c.value }));
    }
    for (let t = 0; t < 5; t++) x = x.map((_, i) => x.reduce((s, xj, j) => s + dense[i * n + j] * xj, 0));
    peers.forEach((p, i) => {
      expect(p.params[0]).toBeCloseTo(x[i], 6);
    });
  });
});
