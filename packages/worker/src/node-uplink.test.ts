import { jsKernels, makeLayout, Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import type { NodeSetup } from './node-setup.js';
import { nodeUplink } from './node-uplink.js';

const layout = makeLayout([{ name: 'w', shape: [40, 25] }]);
const setup = (up?: unknown) => ({ seed: 5, ...(up ? { compression: { up } } : {}) }) as unknown as NodeSetup;
const delta = new Float32Array(layout.size);
Rng.fromSeed(9).fillNormal(delta);
const bytes = (node: number, round: number, s = setup({ kind: 'qsgd', levels: 4 })) =>
  Array.from(nodeUplink(s, node, layout, jsKernels)!.encode(delta, round).bytes);

describe('nodeUplink', () => {
  it('is absent when updates travel raw', () => {
    expect(nodeUplink(setup(), 0, layout, jsKernels)).toBeNull();
  });

  it('draws per (seed, node, round): the same triple repeats its bytes, another node or round does not', () => {
    expect(bytes(3, 7)).toEqual(bytes(3, 7));
    expect(bytes(3, 7)).not.toEqual(bytes(4, 7));
    expect(bytes(3, 7)).not.toEqual(bytes(3, 8));
  });

  it('keeps error-feedback memory across rounds, and a state round trip continues it exactly', () => {
    const spec = { kind: 'topk', count: 10, errorFeedback: true };
    const kept = nodeUplink(setup(spec), 0, layout, jsKernels)!;
    const moved = nodeUplink(setup(spec), 0, layout, jsKernels)!;
    const first = kept.encode(delta, 0);
    expect(Array.from(moved.encode(delta, 0).bytes)).toEqual(Array.from(first.bytes));
    const state = moved.compressor.state();
    expect(state['ef.memory']).toHaveLength(layout.size);
    const fresh = nodeUplink(setup(spec), 0, layout, jsKernels)!; // a pool thread that never saw the node
    fresh.compressor.load(state);
    const second = kept.encode(delta, 1).bytes;
    expect(Array.from(fresh.encode(delta, 1).bytes)).toEqual(Array.from(second));
    // With memory, round 1 does not resend round 0's top entries.
    expect(Array.from(second)).not.toEqual(Array.from(first.bytes));
  });
});
