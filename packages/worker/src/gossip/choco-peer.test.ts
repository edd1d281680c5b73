import { jsKernels } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { chocoPeer } from './choco-setup.js';
import { GossipPeer } from './gossip-peer.js';
import type { GossipSetup } from './gossip-setup.js';
import { gossipTopology } from './gossip-topology.js';
import type { PeerCommand } from './peer-events.js';

/** Three consensus peers on a complete graph (W = J/3) with top-1 CHOCO and γ = 0.5; model size 3. */
const s: GossipSetup = {
  node: {
    seed: 9,
    data: { kind: 'synthetic-linear', n: 8, d: 2 },
    model: { kind: 'linear' },
    loss: 'mse',
    optimizer: { kind: 'sgd', lr: 0.1 },
    local: { epochs: 1, batchSize: 1, maxSteps: 1 },
    kernels: 'js',
  },
  algorithm: { kind: 'consensus' },
  peers: 3,
  rounds: 4,
  topology: { kind: 'complete', nodes: 3 },
  inputs: 2,
  classes: 0,
  evalEvery: 1,
  roundDeadlineMs: 1000,
  choco: { compressor: { kind: 'topk', count: 1 }, gamma: 0.5 },
};

function peers() {
  const topology = gossipTopology(s);
  return [0, 1, 2].map((node) => {
    const choco = chocoPeer(s, node, topology, jsKernels);
    const initial = Float32Array.of(node + 1, -2 * node, 0.5);
    const peer = new GossipPeer({
      node,
      algorithm: s.algorithm,
      topology,
      rounds: s.rounds,
      reportRound: () => true,
      deadlineMs: 1000,
      kernels: jsKernels,
      initial,
      choco,
    });
    return { peer, copies: choco?.copies };
  });
}

const of = <T extends PeerCommand['type']>(cmds: PeerCommand[], type: T) =>
  cmds.filter((c): c is Extract<PeerCommand, { type: T }> => c.type === type);

describe('a CHOCO peer', () => {
  it('sends its compressed q_i as codec-tagged bytes and counts the payload bytes', () => {
    const [a] = peers();
    const [send] = of(a.peer.handle({ type: 'start' }), 'send');
    expect(send.codec).toBe('topk');
    expect(send.value).toBeInstanceOf(Uint8Array);
    expect(send.value.length).toBe(8 + 4 + 4 + 1); // header, k, one f32 value, one varint gap
    expect(send.to).toEqual([1, 2]);
    // x̂_0 ← 0 + top-1(x⁰ − 0) with x⁰ = (1, −0, 0.5): entry 0 has the largest magnitude
    expect(Array.from(a.copies?.copy(0) ?? [])).toEqual([1, 0, 0]);
  });

  it('drops a malformed payload with a refusal, never uses that sender again, and goes on with the others', () => {
    const [a, b, c] = peers();
    const aSend = of(a.peer.handle({ type: 'start' }), 'send')[0];
    const bSend = of(b.peer.handle({ type: 'start' }), 'send')[0];
    const cSend = of(c.peer.handle({ type: 'start' }), 'send')[0];
    const bad = Uint8Array.of(1, 5, 0, 0, 3, 0, 0, 0, 9, 9); // a topk header claiming 3 floats, then junk
    const refused = a.peer.handle({ type: 'received', round: 0, from: 1, value: bad });
    expect(of(refused, 'refused')).toEqual([
      { type: 'refused', round: 0, from: 1, reason: expect.stringMatching(/topk payload/) },
    ]);
    const done = a.peer.handle({ type: 'received', round: 0, from: 2, value: cSend.value });
    const [r0] = of(done, 'round-done');
    expect(r0.report).toMatchObject({ round: 0, heard: [2], dropped: [1], refused: 1 });
    expect(a.copies?.isBroken(1)).toBe(true);
    // round 1: node 0 waits for node 2 only; node 1's valid payloads no longer help (its copy misses q_1⁰)
    c.peer.handle({ type: 'received', round: 0, from: 0, value: aSend.value });
    const c1 = of(c.peer.handle({ type: 'received', round: 0, from: 1, value: bSend.value }), 'send')[0];
    const next = a.peer.handle({ type: 'received', round: 1, from: 2, value: c1.value });
    expect(of(next, 'round-done')[0].report).toMatchObject({ round: 1, heard: [2], dropped: [1], refused: 0 });
    expect(a.peer.params.every(Number.isFinite)).toBe(true);
  });

  it('adds a late q_j in round order so the copy catches up bit for bit and is used again', () => {
    const ps = peers();
    const sends: PeerCommand[][] = ps.map((p) => p.peer.handle({ type: 'start' }));
    const payload = (j: number, t: number) => {
      const c = of(sends[j], 'send').find((x) => x.round === t);
      if (!c) throw new Error(`no round-${t} send from ${j}`);
      return c.value;
    };
    const [a] = ps;
    // round 0 at node 0: node 2 is heard, node 1 is late (deadline)
    a.peer.handle({ type: 'received', round: 0, from: 2, value: payload(2, 0) });
    const r0 = of(a.peer.handle({ type: 'deadline', round: 0 }), 'round-done')[0];
    expect(r0.report).toMatchObject({ heard: [2], dropped: [1] });
    // nodes 1 and 2 finish round 0 normally and send round 1
    for (const j of [1, 2]) {
      const others = [0, 1, 2].filter((x) => x !== j);
      for (const o of others)
        sends[j].push(...ps[j].peer.handle({ type: 'received', round: 0, from: o, value: payload(o, 0) }));
    }
    // the late round-0 payload of node 1 arrives, then both round-1 payloads
    a.peer.handle({ type: 'received', round: 0, from: 1, value: payload(1, 0) });
    a.peer.handle({ type: 'received', round: 1, from: 1, value: payload(1, 1) });
    const r1 = of(a.peer.handle({ type: 'received', round: 1, from: 2, value: payload(2, 1) }), 'round-done')[0];
    expect(r1.report).toMatchObject({ round: 1, heard: [1, 2], dropped: [], late: 1 });
    // node 0's copy of x̂_1 equals node 1's own copy after round 1
    expect(Array.from(a.copies?.copy(1) ?? [])).toEqual(Array.from(ps[1].copies?.copy(1) ?? []));
  });
});
