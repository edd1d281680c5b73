import { jsKernels, makeCompressor, makeLayout, Rng } from '@starling/core';
import { metropolisWeights, ringGraph, staticSchedule } from '@starling/topologies';
import { decodeMessage, encodeMessage, type Header } from '@starling/transport';
import { describe, expect, it } from 'vitest';
import { ChocoCopies } from './choco-copies.js';
import { GossipPeer } from './gossip-peer.js';
import type { PeerCheckpoint } from './peer-checkpoint.js';
import type { PeerCommand } from './peer-events.js';
import { peerStateFrames, peerStateFromFrames } from './peer-state-wire.js';
import { RoundTopology } from './round-topology.js';

const of = <T extends PeerCommand['type']>(cmds: PeerCommand[], type: T) =>
  cmds.filter((c): c is Extract<PeerCommand, { type: T }> => c.type === type);

function heldPeer(granted: number, from = 0, initial = [3]) {
  return new GossipPeer({
    node: 1,
    algorithm: { kind: 'consensus' },
    topology: new RoundTopology(staticSchedule(metropolisWeights(ringGraph(5)))),
    rounds: 3,
    reportRound: () => true,
    deadlineMs: 1000,
    kernels: jsKernels,
    initial: Float32Array.from(initial),
    from,
    granted,
  });
}

describe('GossipPeer held at round boundaries', () => {
  it('finishes round 0, stands still until proceed grants round 1, and keeps early round-1 values', () => {
    const p = heldPeer(0);
    expect(of(p.handle({ type: 'start' }), 'send')).toHaveLength(1);
    expect(p.boundary).toBeNull();
    p.handle({ type: 'received', round: 0, from: 0, value: Float32Array.of(6) });
    const done = p.handle({ type: 'received', round: 0, from: 2, value: Float32Array.of(12) });
    expect(of(done, 'round-done')[0].model?.[0]).toBeCloseTo(7, 6);
    expect(of(done, 'send')).toEqual([]); // round 1 not begun
    expect(p.boundary).toBe(0);
    expect(p.params[0]).toBeCloseTo(7, 6);
    // a neighbour released first already sent its round-1 value: kept, not counted late
    expect(p.handle({ type: 'received', round: 1, from: 0, value: Float32Array.of(7) })).toEqual([]);
    const go = p.handle({ type: 'proceed', round: 1 });
    expect(of(go, 'send')).toMatchObject([{ round: 1, to: [0, 2] }]);
    expect(p.boundary).toBeNull();
    const r1 = p.handle({ type: 'received', round: 1, from: 2, value: Float32Array.of(7) });
    expect(of(r1, 'round-done')[0].report).toMatchObject({ round: 1, heard: [0, 2], late: 0 });
  });

  it('a resumed peer starts at `from` with its restored x and is at the last boundary when finished', () => {
    const p = heldPeer(2, 2, [5]);
    expect(of(p.handle({ type: 'start' }), 'send')).toMatchObject([{ round: 2, value: Float32Array.of(5) }]);
    p.handle({ type: 'received', round: 2, from: 0, value: Float32Array.of(5) });
    const done = p.handle({ type: 'received', round: 2, from: 2, value: Float32Array.of(5) });
    expect(of(done, 'finished')).toEqual([{ type: 'finished', rounds: 3 }]);
    expect(p.boundary).toBe(2);
    const late = heldPeer(2, 3);
    expect(late.handle({ type: 'start' })).toEqual([{ type: 'finished', rounds: 3 }]);
  });
});

/** Two copies' public state, including the compressor's (PowerSGD warm starts). */
function copies(seed = 9) {
  const compressor = makeCompressor({ kind: 'powersgd', rank: 1 }, makeLayout([{ name: 'w', shape: [3, 4] }]));
  return new ChocoCopies(0, [1, 2], compressor, Rng.fromSeed(seed).fork('compress-gossip', 0), 64);
}

describe('ChocoCopies snapshot and restore', () => {
  it('a restored copy set continues exactly as the original, warm starts included', () => {
    const a = copies();
    const v = (t: number) => Float32Array.from({ length: 12 }, (_, k) => Math.sin(k + t));
    const q = (t: number) => copies(100 + t).encode(v(t + 50), t).payload;
    for (let t = 0; t < 3; t++) {
      a.encode(v(t), t);
      a.accept(1, t, q(t), t);
      a.accept(2, t, q(t + 10), t);
      a.advance(t);
    }
    a.accept(1, 3, q(3), 2); // an early round-3 payload: not part of the boundary after round 2
    const saved = a.snapshot(2);
    expect(saved.pending).toEqual([]);
    expect(saved.copies.map((c) => [c.node, c.applied])).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
    ]);
    expect(Object.keys(saved.compressor)).toEqual(['powersgd.q.w']);
    const b = copies();
    b.restore(saved);
    for (const x of [a, b]) {
      x.accept(1, 3, q(3), 3);
      x.accept(2, 3, q(13), 3);
    }
    const [ea, eb] = [a.encode(v(3), 3), b.encode(v(3), 3)];
    expect(Buffer.from(eb.payload)).toEqual(Buffer.from(ea.payload));
    a.advance(3);
    b.advance(3);
    expect(b.step(v(4), 0.5, [1, 2], [0.3, 0.3])).toEqual(a.step(v(4), 0.5, [1, 2], [0.3, 0.3]));
  });

  it('refuses a snapshot of other neighbours or another model size', () => {
    const saved = copies().snapshot(0);
    const other = new ChocoCopies(
      0,
      [1, 3],
      makeCompressor({ kind: 'topk', ratio: 0.5 }, makeLayout([{ name: 'w', shape: [12] }])),
      Rng.fromSeed(1),
      64,
    );
    expect(() => other.restore(saved)).toThrow(/copies of nodes \[0,1,2\], expected \[0,1,3\]/);
  });
});

describe('peer-state messages', () => {
  const state: PeerCheckpoint = {
    node: 4,
    x: Float32Array.of(1.5, -0, Number.MIN_VALUE, 3e38),
    optimizer: { kind: 'adam', step: 7, slots: [Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8)] },
    choco: {
      copies: [{ node: 4, applied: 8, hat: Float32Array.of(9, 9, 9, 9) }],
      pending: [{ node: 5, round: 6, q: Float32Array.of(0, 1, 0, 1) }],
      broken: [3],
      compressor: {},
    },
  };

  it('round-trips a peer state bit for bit through the wire codec', () => {
    const { state: json, tensors } = peerStateFrames(state);
    expect(tensors.map((t) => t.name)).toEqual(['x', 't1', 't2', 't3', 't4']);
    const header = { type: 'peer-state', v: 1, seq: 0, run: 'r', round: 7, node: 4, state: json } as Header;
    const m = decodeMessage(encodeMessage(header, tensors));
    if (!m.ok) throw new Error(m.reason);
    if (m.header.type !== 'peer-state') throw new Error('not a peer-state');
    const back = peerStateFromFrames(m.header.state, m.tensors, 'test', 4, 4);
    expect(back).toEqual(state);
    expect(Object.is(back.x[1], -0)).toBe(true);
  });

  it('refuses a state with a missing frame, of another node or another model size', () => {
    const { state: json, tensors } = peerStateFrames(state);
    const frames = tensors.map((t) => ({ name: t.name, dtype: 'f32' as const, length: t.data.length, data: t.data }));
    expect(() => peerStateFromFrames(json, frames.slice(1), 'm', 4, 4)).toThrow(/frame x is missing/);
    expect(() => peerStateFromFrames(json, frames, 'm', 5, 4)).toThrow(/expected peer 5/);
    expect(() => peerStateFromFrames(json, frames, 'm', 4, 8)).toThrow(/4 entries, expected 8/);
  });
});
