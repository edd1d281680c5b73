import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../../checkpoint/checkpoint-codec.js';
import { emptyTally, gossipCheckpointValue, readGossipCheckpoint } from './checkpoint-state.js';

const peer = (node: number) => ({
  node,
  x: Float32Array.of(node, 0.5, -1),
  optimizer: { kind: 'momentum' as const, step: 10, slots: [Float32Array.of(0.25, 0, node)] },
  choco: null,
});

function throughFile(state: ReturnType<typeof gossipCheckpointValue>) {
  const bytes = Buffer.concat(encodeCheckpoint({ run: 'r', configSha256: '', round: 4, driver: 'gossip', state }));
  return decodeCheckpoint(bytes, 'r.ckpt').state;
}

describe('the gossip checkpoint state', () => {
  it('round-trips the peers and the tally through the file format', () => {
    const tally = { ...emptyTally(), links: { '0->1': 120 }, average: Float32Array.of(1, 2, 3), lost: 0 };
    tally.last = { loss: 0.5, accuracy: 0.75, consensus: 1e-9 };
    const back = readGossipCheckpoint(throughFile(gossipCheckpointValue([peer(0), peer(1)], tally)), 'f', 2, 3);
    expect(back.peers).toEqual([peer(0), peer(1)]);
    expect(back.tally).toEqual(tally);
  });

  it('the tally in a capture does not move with the rounds that follow it', () => {
    const tally = emptyTally();
    const value = gossipCheckpointValue([peer(0)], tally);
    tally.totals.up += 100;
    tally.links['0->1'] = 7;
    expect(readGossipCheckpoint(value, 'f', 1, 3).tally).toEqual(emptyTally());
  });

  it('refuses another driver’s state, a peer count or model size of another run', () => {
    const value = throughFile(gossipCheckpointValue([peer(0), peer(1)], emptyTally()));
    expect(() => readGossipCheckpoint({ model: Float32Array.of(1) }, 'f.ckpt', 2, 3)).toThrow(/no gossip state/);
    expect(() => readGossipCheckpoint(value, 'f.ckpt', 3, 3)).toThrow(/2 peers, expected 3/);
    expect(() => readGossipCheckpoint(value, 'f.ckpt', 2, 4)).toThrow(/3 entries, expected 4/);
  });
});
