import { jsKernels, Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import {
  CHAIN_HEAD,
  CHAIN_PARTS,
  chainPart,
  helpDrain,
  markAndDrain,
  markAndDrainFlags,
  PART_ALIGN,
  type ReductionChain,
  resetChain,
} from './reduction-chain.js';

const SIZE = 531;
const N = 6;
const deltas = Array.from({ length: N }, (_, i) => {
  const x = new Float32Array(SIZE);
  Rng.fromSeed(4).fork('delta', i).fillUniform(x, -2, 2);
  for (let j = i; j < SIZE; j += 37) x[j] *= 1e-6;
  return x;
});
const weights = Float64Array.from([0.1, 0.3, 0.05, 0.2, 0.15, 0.2]);

/** Σ p_i Δ_i by `accumulate` of whole vectors in increasing i on one thread, from zero (the streaming mean). */
function sequential(): Float64Array {
  const acc = new Float64Array(SIZE);
  for (let i = 0; i < N; i++) jsKernels.accumulate(weights[i], deltas[i], acc);
  return acc;
}

function opened(parts = CHAIN_PARTS) {
  const chain: ReductionChain = {
    acc: new Float64Array(new SharedArrayBuffer(8 * SIZE)),
    ctrl: new Int32Array(new SharedArrayBuffer(4 * (CHAIN_HEAD + N))),
    weights,
    backend: 'js',
  };
  resetChain(chain.ctrl, parts);
  /** (i, part) in the order they were added. */
  const added: [number, number][] = [];
  const add = (i: number, lo: number, hi: number) => {
    added.push([i, lo]);
    jsKernels.accumulate(weights[i], deltas[i].subarray(lo, hi), chain.acc.subarray(lo, hi));
  };
  /** The order each part's adds came in. */
  const perPart = () =>
    Array.from({ length: parts }, (_, c) =>
      added.filter(([, lo]) => lo === chainPart(c, SIZE, parts).lo).map(([i]) => i),
    );
  return { chain, added, add, perPart };
}

describe('chainPart', () => {
  it('cuts [0, P) into consecutive parts whose inner bounds are multiples of PART_ALIGN', () => {
    for (const p of [1, 63, 64, 255, 256, 531, 1037, 199_210]) {
      let at = 0;
      for (let c = 0; c < CHAIN_PARTS; c++) {
        const { lo, hi } = chainPart(c, p);
        expect(lo).toBe(at);
        expect(hi).toBeGreaterThanOrEqual(lo);
        if (c < CHAIN_PARTS - 1) expect(hi % PART_ALIGN).toBe(0);
        at = hi;
      }
      expect(at).toBe(p);
    }
    // a 2NN's parts are about a quarter each
    expect(chainPart(1, 199_210)).toEqual({ lo: 49_792, hi: 99_584 });
  });
});

describe('markAndDrain', () => {
  it('adds each part in increasing order whatever order the nodes are marked in, with the bits of one thread', () => {
    for (const marks of [
      [0, 1, 2, 3, 4, 5],
      [5, 4, 3, 2, 1, 0],
      [1, 3, 0, 5, 2, 4],
    ]) {
      const { chain, add, perPart } = opened();
      for (const i of marks) markAndDrain(chain, i, true, add);
      for (const order of perPart()) expect(order).toEqual([0, 1, 2, 3, 4, 5]);
      expect(markAndDrainFlags.complete(chain.ctrl)).toBe(true);
      expect(Array.from(chain.acc)).toEqual(Array.from(sequential()));
    }
  });

  it('with one part (threads), adds whole Δs in increasing order, with the bits of one thread', () => {
    for (const marks of [
      [5, 4, 3, 2, 1, 0],
      [1, 3, 0, 5, 2, 4],
    ]) {
      const { chain, add, added, perPart } = opened(1);
      for (const i of marks) markAndDrain(chain, i, true, add);
      expect(perPart()).toEqual([[0, 1, 2, 3, 4, 5]]);
      expect(added.every(([, lo]) => lo === 0)).toBe(true);
      expect(markAndDrainFlags.complete(chain.ctrl)).toBe(true);
      expect(Array.from(chain.acc)).toEqual(Array.from(sequential()));
    }
    expect(() => resetChain(new Int32Array(CHAIN_HEAD), CHAIN_PARTS + 1)).toThrow(/chain parts must be an integer/);
  });

  it('adds nothing past a node marked not to be added, and the reduction never completes', () => {
    const { chain, add, perPart } = opened();
    for (const i of [0, 1, 3, 4, 5]) markAndDrain(chain, i, true, add);
    markAndDrain(chain, 2, false, add);
    for (const order of perPart()) expect(order).toEqual([0, 1]);
    expect(markAndDrainFlags.complete(chain.ctrl)).toBe(false);
    expect(markAndDrainFlags.ready(chain.ctrl, 2)).toBe(false);
    expect(markAndDrainFlags.ready(chain.ctrl, 3)).toBe(true);
    expect(markAndDrainFlags.ready(chain.ctrl, N)).toBe(false); // past the end
  });

  it('a part whose lock is held is left to its holder; another thread takes the free parts meanwhile', () => {
    const { chain, added, perPart } = opened();
    const by: string[] = [];
    const addAs = (who: string) => (i: number, lo: number, hi: number) => {
      added.push([i, lo]);
      by.push(`${who}${i}@${lo}`);
      // While thread A adds node 0 into part 0 (its lock held), "thread B" marks nodes 1 and 2.
      if (who === 'A' && i === 0 && lo === 0) {
        markAndDrain(chain, 1, true, addAs('B'));
        markAndDrain(chain, 2, true, addAs('B'));
      }
      jsKernels.accumulate(weights[i], deltas[i].subarray(lo, hi), chain.acc.subarray(lo, hi));
    };
    markAndDrain(chain, 0, true, addAs('A'));
    // B's first mark took parts 1-3 for nodes 0 and 1, its second the same parts for node 2; A, once B
    // was done, added nodes 1 and 2 into part 0.
    const l = [1, 2, 3].map((c) => chainPart(c, SIZE).lo);
    expect(by.filter((x) => x.startsWith('B'))).toEqual([
      ...l.flatMap((lo) => [`B0@${lo}`, `B1@${lo}`]),
      ...l.map((lo) => `B2@${lo}`),
    ]);
    expect(by.filter((x) => x.startsWith('A'))).toEqual([`A0@0`, `A1@0`, `A2@0`]);
    for (const i of [3, 4, 5]) markAndDrain(chain, i, true, addAs('A'));
    for (const o of perPart()) expect(o).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(chain.acc)).toEqual(Array.from(sequential()));
  });
});

describe('the chain zeroes and rounds its own parts', () => {
  it('starts each part from +0 whatever the accumulator held, and writes the float32 sum once a part is done', () => {
    const { chain: c, add } = opened();
    const mean = new Float32Array(SIZE).fill(7);
    const chain = { ...c, mean };
    chain.acc.fill(Number.NaN); // a previous round's sum
    for (const i of [0, 1, 2, 3, 4]) markAndDrain(chain, i, true, add);
    expect(mean.every((v) => v === 7)).toBe(true); // no part is done: nothing rounded yet
    markAndDrain(chain, 5, true, add);
    const want = sequential();
    expect(Array.from(chain.acc)).toEqual(Array.from(want));
    // Float32Array.from rounds to nearest, ties to even: what the server's close did with the float64 sum
    expect(Array.from(mean)).toEqual(Array.from(Float32Array.from(want)));
  });
});

describe('helpDrain', () => {
  const quick = { minWaiting: 2, patienceMs: 30, pollMs: 0.05 };

  it('returns at once when fewer than minWaiting Δs wait, or when the chain is complete', () => {
    const { chain, add, added } = opened();
    markAndDrain(chain, 1, true, add); // node 0 pending: one Δ waits
    const t0 = performance.now();
    helpDrain(chain, add, quick);
    for (let i = 0; i < N; i++) if (i !== 1) markAndDrain(chain, i, true, add);
    helpDrain(chain, add, quick);
    expect(performance.now() - t0).toBeLessThan(25);
    expect(added.length).toBe(N * CHAIN_PARTS);
  });

  it('gives up after patienceMs without progress (a node that never comes) having added nothing', () => {
    const { chain, add, added } = opened();
    for (const i of [1, 2, 3, 4, 5]) markAndDrain(chain, i, true, add);
    const t0 = performance.now();
    helpDrain(chain, add, quick);
    const waited = performance.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(30);
    expect(waited).toBeLessThan(2000);
    expect(added).toEqual([]);
  });

  it('stops at a node not to be added', () => {
    const { chain, add } = opened();
    for (const i of [2, 3, 4, 5]) markAndDrain(chain, i, true, add);
    markAndDrain(chain, 1, false, add);
    const t0 = performance.now();
    helpDrain(chain, add, { ...quick, patienceMs: 5000 });
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
