import { jsKernels, peerAttack } from '@starling/core';
import { metropolisWeights, ringGraph, staticSchedule } from '@starling/topologies';
import { describe, expect, it } from 'vitest';
import { clippedGossip } from './clipped-gossip.js';
import type { GossipCombine } from './gossip-combine.js';
import { GossipPeer } from './gossip-peer.js';
import type { PeerCommand } from './peer-events.js';
import { RoundTopology } from './round-topology.js';

const D = 64;
const topology = new RoundTopology(staticSchedule(metropolisWeights(ringGraph(5))));
const initial = (node: number) => Float32Array.from({ length: D }, (_, k) => Math.sin(node * 7 + k) * (1 + node));
const l2 = (a: Float32Array, b: Float32Array) => Math.sqrt(a.reduce((s, x, k) => s + (x - b[k]) ** 2, 0));

/** Peer `node` of a 5-ring running consensus, with the attack of @starling/core when it is Byzantine. */
function peer(node: number, combine: GossipCombine | undefined, byzantine: number[]) {
  const adversary = {
    byzantine,
    attack: { kind: 'scale' as const, factor: 1e6 },
    knowledge: 'local' as const,
    path: 'gossip' as const,
  };
  return new GossipPeer({
    node,
    algorithm: { kind: 'consensus' },
    topology,
    rounds: 1,
    reportRound: () => true,
    deadlineMs: 1000,
    kernels: jsKernels,
    initial: initial(node),
    combine,
    attack: peerAttack(adversary, node, 1),
  });
}

const sent = (cmds: PeerCommand[]) => {
  const s = cmds.find((c) => c.type === 'send');
  if (s?.type !== 'send' || !(s.value instanceof Float32Array)) throw new Error('no raw send');
  return s.value;
};

/** Honest peer 1's model after round 0, hearing 0 and 2 as they send it (2 Byzantine or not). */
function roundOfPeer1(combine: GossipCombine | undefined, byzantine: number[]): Float32Array {
  const p1 = peer(1, combine, byzantine);
  p1.handle({ type: 'start' });
  p1.handle({
    type: 'received',
    round: 0,
    from: 0,
    value: sent(peer(0, combine, byzantine).handle({ type: 'start' })),
  });
  const v2 = sent(peer(2, combine, byzantine).handle({ type: 'start' }));
  const done = p1.handle({ type: 'received', round: 0, from: 2, value: v2 });
  const r = done.find((c) => c.type === 'round-done');
  if (r?.type !== 'round-done' || !r.model) throw new Error('round 0 did not finish');
  return r.model;
}

describe("clipped gossip against the adversary's gossip hook (a neighbour sending 1e6 × its model)", () => {
  it('moves the honest peer by at most 2·tau·W_12 from where it goes without the attack, and at most tau·(1 − W_11) in all', () => {
    const tau = 0.25;
    const w = 1 / 3; // Metropolis weights on a ring
    const clean = roundOfPeer1(clippedGossip(tau), []);
    const attacked = roundOfPeer1(clippedGossip(tau), [2]);
    expect(l2(attacked, clean)).toBeGreaterThan(0);
    expect(l2(attacked, clean)).toBeLessThanOrEqual(2 * tau * w * (1 + 1e-5));
    expect(l2(attacked, initial(1))).toBeLessThanOrEqual(tau * (1 - w) * (1 + 1e-5));
    // plain gossip takes a third of 1e6 × the Byzantine model
    const plain = roundOfPeer1(undefined, [2]);
    expect(l2(plain, initial(1))).toBeGreaterThan(1e5);
  });

  it('with no attack and tau = ∞ equals plain gossip to the bit', () => {
    const clipped = roundOfPeer1(clippedGossip(Number.POSITIVE_INFINITY), []);
    expect(Buffer.from(clipped.buffer)).toEqual(Buffer.from(roundOfPeer1(undefined, []).buffer));
  });
});
