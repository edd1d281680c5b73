import { describe, expect, it } from 'vitest';
import { RoundStream } from './round-stream.js';

// The machine-level checks (bits against the mean at the close, fallbacks) are in
// test/server/streaming-mean.test.ts, on both kernel backends.
describe('RoundStream', () => {
  it('adds each update once all lower ids are in, with its own weight', () => {
    const added: [number, number][] = [];
    const sink = { add: (d: Float32Array, w: number) => added.push([d[0], w]), finish: () => undefined };
    const s = new RoundStream([2, 5, 9], [1, 1, 2], Float64Array.from([0.25, 0.25, 0.5]), sink);
    const got = new Map<number, Float32Array>();
    const offer = (node: number) => {
      got.set(node, Float32Array.of(node));
      s.offer(node, node === 9 ? 2 : 1, (n) => got.get(n));
    };
    offer(9);
    offer(5);
    expect(added).toEqual([]);
    offer(2);
    expect(added).toEqual([
      [2, 0.25],
      [5, 0.25],
      [9, 0.5],
    ]);
    expect(s.complete).toBe(true);
  });

  it('refuses to finish before every update is in', () => {
    const s = new RoundStream([1, 2], [1, 1], Float64Array.from([0.5, 0.5]), { add: () => {}, finish: () => {} });
    s.offer(1, 1, (n) => (n === 1 ? new Float32Array(1) : undefined));
    expect(s.complete).toBe(false);
    expect(() => s.finish(new Float32Array(1))).toThrow(/before every update/);
  });
});
