import { jsKernels, type NodeAdversary, peerAttack } from '@starling/core';
import { metropolisWeights, ringGraph, staticSchedule } from '@starling/topologies';
import { describe, expect, it } from 'vitest';
import { GossipPeer } from './gossip-peer.js';
import type { PeerCommand } from './peer-events.js';
import { RoundTopology } from './round-topology.js';

const of = <T extends PeerCommand['type']>(cmds: PeerCommand[], type: T) =>
  cmds.filter((c): c is Extract<PeerCommand, { type: T }> => c.type === type);

function adversary(over: Partial<NodeAdversary>): NodeAdversary {
  return { byzantine: [1], attack: { kind: 'sign_flip', scale: 2 }, knowledge: 'local', path: 'gossip', ...over };
}

/** Peer 1 of a 5-ring (neighbours 0 and 2) running consensus from x = [3, −1]. */
function byzantine(a: NodeAdversary) {
  return new GossipPeer({
    node: 1,
    algorithm: { kind: 'consensus' },
    topology: new RoundTopology(staticSchedule(metropolisWeights(ringGraph(5)))),
    rounds: 2,
    reportRound: () => true,
    deadlineMs: 1000,
    kernels: jsKernels,
    initial: Float32Array.of(3, -1),
    attack: peerAttack(a, 1, 7),
  });
}

describe('a Byzantine gossip peer', () => {
  it('sends −scale·x (local sign flip) and mixes its own honest x', () => {
    const p = byzantine(adversary({}));
    const start = p.handle({ type: 'start' });
    expect(of(start, 'send')[0]).toMatchObject({ round: 0, to: [0, 2], value: Float32Array.of(-6, 2) });
    p.handle({ type: 'received', round: 0, from: 0, value: Float32Array.of(6, 0) });
    const done = p.handle({ type: 'received', round: 0, from: 2, value: Float32Array.of(12, 3) });
    expect(Array.from(of(done, 'round-done')[0].model ?? [])).toEqual([7, Math.fround(2 / 3)]);
  });

  it('rushing (omniscient) ALIE waits for its honest neighbours and sends μ − z·σ of their values', () => {
    const p = byzantine(adversary({ attack: { kind: 'alie' }, knowledge: 'omniscient', z: 2 }));
    const start = p.handle({ type: 'start' });
    expect(of(start, 'send')).toEqual([]);
    expect(of(start, 'arm-deadline')).toHaveLength(1);
    expect(of(p.handle({ type: 'received', round: 0, from: 2, value: Float32Array.of(12, 3) }), 'send')).toEqual([]);
    const both = p.handle({ type: 'received', round: 0, from: 0, value: Float32Array.of(6, 1) });
    // μ = (9, 2), σ = (3, 1): μ − 2σ = (3, 0); the round then closes with its honest x
    expect(of(both, 'send')[0]).toMatchObject({ round: 0, value: Float32Array.of(3, 0) });
    expect(of(both, 'round-done')).toHaveLength(1);
  });

  it('a rushing peer whose honest neighbour stays silent sends at the deadline', () => {
    const p = byzantine(adversary({ attack: { kind: 'ipm', epsilon: 0.5 }, knowledge: 'omniscient' }));
    p.handle({ type: 'start' });
    p.handle({ type: 'received', round: 0, from: 0, value: Float32Array.of(6, 2) });
    const late = p.handle({ type: 'deadline', round: 0 });
    expect(of(late, 'send')[0]).toMatchObject({ round: 0, value: Float32Array.of(-3, -1) });
  });

  it('honest peers and label flippers get no message attack', () => {
    expect(peerAttack(adversary({}), 0, 7)).toBeNull();
    expect(peerAttack(adversary({ attack: { kind: 'label_flip' } }), 1, 7)).toBeNull();
    expect(peerAttack(undefined, 1, 7)).toBeNull();
  });
});
