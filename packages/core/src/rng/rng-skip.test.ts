import { describe, expect, it } from 'vitest';
import { philox4x32 } from './philox.js';
import { Rng } from './rng.js';

function draw(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.nextUint32());
}

describe('Rng.position and Rng.skip', () => {
  it('skip(n) leaves the stream where n nextUint32 calls would, from every word offset', () => {
    for (let before = 0; before < 6; before++) {
      for (const n of [0, 1, 2, 3, 4, 5, 7, 9, 1001]) {
        const a = Rng.fromSeed(42).fork('t', before);
        const b = Rng.fromSeed(42).fork('t', before);
        draw(a, before);
        draw(b, before);
        draw(a, n);
        b.skip(n);
        expect(b.position()).toEqual(a.position());
        expect(draw(b, 6)).toEqual(draw(a, 6));
      }
    }
  });

  it('position names the Philox block and word the next draw comes from', () => {
    const rng = Rng.fromSeed(7);
    const [k0, k1] = rng.key();
    const block = new Uint32Array(4);
    for (let i = 0; i < 11; i++) {
      const { counterLo, counterHi, word } = rng.position();
      philox4x32(counterLo, counterHi, 0, 0, k0, k1, block);
      expect(rng.nextUint32()).toBe(block[word]);
    }
  });

  it('carries the 64-bit counter past 2^32 blocks', () => {
    const rng = Rng.fromSeed(3);
    const [k0, k1] = rng.key();
    rng.skip(4 * 0xffffffff + 2);
    expect(rng.position()).toEqual({ counterLo: 0xffffffff, counterHi: 0, word: 2 });
    const last = new Uint32Array(4);
    const next = new Uint32Array(4);
    philox4x32(0xffffffff, 0, 0, 0, k0, k1, last);
    philox4x32(0, 1, 0, 0, k0, k1, next);
    expect(draw(rng, 4)).toEqual([last[2], last[3], next[0], next[1]]);
    expect(rng.position()).toEqual({ counterLo: 0, counterHi: 1, word: 2 });
  });

  it('rejects a negative or fractional skip', () => {
    expect(() => Rng.fromSeed(1).skip(-1)).toThrow(/rng.skip n/);
    expect(() => Rng.fromSeed(1).skip(1.5)).toThrow(/rng.skip n/);
  });
});
