import { describe, expect, it } from 'vitest';
import { SharedLane } from './shared-lane.js';

describe('SharedLane', () => {
  it('resolves a reference to a view of the registered arena (no copy)', () => {
    const lane = new SharedLane();
    const a = new SharedArrayBuffer(4 * 10);
    const b = new SharedArrayBuffer(4 * 6);
    const ia = lane.register(a);
    const ib = lane.register(b);
    expect(ia).not.toBe(ib);
    new Float32Array(b).set([1, 2, 3, 4, 5, 6]);
    const v = lane.resolve(lane.reference(ib, 2, 3));
    expect(Array.from(v)).toEqual([3, 4, 5]);
    expect(v.buffer).toBe(b);
    new Float32Array(b)[3] = 40;
    expect(v[1]).toBe(40);
  });

  it('refuses malformed, unknown and out-of-range references with a protocol error', () => {
    const lane = new SharedLane();
    const id = lane.register(new SharedArrayBuffer(4 * 8));
    expect(() => lane.resolve(new Uint8Array(11))).toThrow(/12 u8/);
    expect(() => lane.resolve(new Float32Array(3))).toThrow(/12 u8/);
    expect(() => lane.resolve(lane.reference(id + 1, 0, 1))).toThrow(/no shared arena/);
    expect(() => lane.resolve(lane.reference(id, 5, 4))).toThrow(/past arena/);
    expect(lane.resolve(lane.reference(id, 4, 4)).length).toBe(4);
    expect(() => lane.resolve(lane.reference(id, 0, 4))).not.toThrow();
  });

  it('vouches for exactly the ranges its writer scanned, until the arena is rewritten', () => {
    const lane = new SharedLane();
    const a = lane.register(new SharedArrayBuffer(4 * 8));
    const b = lane.register(new SharedArrayBuffer(4 * 8));
    lane.vouch(a, 4, 4);
    expect(lane.isVouched(lane.reference(a, 4, 4))).toBe(true);
    expect(lane.isVouched(lane.reference(a, 0, 4))).toBe(false); // another range
    expect(lane.isVouched(lane.reference(a, 4, 3))).toBe(false); // another length
    expect(lane.isVouched(lane.reference(b, 4, 4))).toBe(false); // another arena
    expect(lane.isVouched(new Uint8Array(11))).toBe(false);
    lane.rewrite(a);
    expect(lane.isVouched(lane.reference(a, 4, 4))).toBe(false);
  });
});
