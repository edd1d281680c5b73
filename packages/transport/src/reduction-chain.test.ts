import { jsKernels, Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { markAndDrain, markAndDrainFlags, markHeld, type ReductionChain, takeHead } from './reduction-chain.js';
import { SharedLane } from './shared-lane.js';

const SIZE = 531;
const ORDER = [2, 5, 6, 11, 17, 30];
const deltas = ORDER.map((_, i) => {
  const x = new Float32Array(SIZE);
  Rng.fromSeed(4).fork('delta', i).fillUniform(x, -2, 2);
  for (let j = i; j < SIZE; j += 37) x[j] *= 1e-6;
  return x;
});
const weights = Float64Array.from([0.1, 0.3, 0.05, 0.2, 0.15, 0.2]);

/** Σ p_i Δ_i by `accumulate` in increasing i on one thread, from zero (what the round machine's stream does). */
function sequential(): Float64Array {
  const acc = new Float64Array(SIZE);
  for (let i = 0; i < ORDER.length; i++) jsKernels.accumulate(weights[i], deltas[i], acc);
  return acc;
}

function opened() {
  const lane = new SharedLane();
  const reduction = lane.openReduction(4, ORDER, weights, SIZE, 'js');
  const claim = lane.claimReduction(4, ORDER);
  if (!claim) throw new Error('no claim');
  const added: number[] = [];
  const add = (i: number) => {
    added.push(i);
    jsKernels.accumulate(claim.chain.weights[i], deltas[i], claim.chain.acc);
  };
  return { lane, reduction, claim, added, add };
}

describe('markAndDrain', () => {
  it('adds in increasing order whatever order the nodes are marked in, with the bits of one thread', () => {
    for (const marks of [
      [0, 1, 2, 3, 4, 5],
      [5, 4, 3, 2, 1, 0],
      [1, 3, 0, 5, 2, 4],
    ]) {
      const { reduction, claim, added, add } = opened();
      for (const i of marks) markAndDrain(claim.chain, i, true, add);
      expect(added).toEqual([0, 1, 2, 3, 4, 5]);
      expect(reduction.complete()).toBe(true);
      expect(Array.from(reduction.acc)).toEqual(Array.from(sequential()));
    }
  });

  it('adds nothing past a node marked not to be added, and the reduction never completes', () => {
    const { reduction, claim, added, add } = opened();
    for (const i of [0, 1, 3, 4, 5]) markAndDrain(claim.chain, i, true, add);
    markAndDrain(claim.chain, 2, false, add);
    expect(added).toEqual([0, 1]);
    expect(reduction.complete()).toBe(false);
    expect(reduction.claimed(2)).toBe(false);
    expect(reduction.claimed(3)).toBe(true);
  });

  it('leaves the adding to the thread that holds the lock, which takes what became ready meanwhile', () => {
    const { reduction, claim, added } = opened();
    // While node 0 is being added (the lock is held), nodes 1 and 2 are marked by "another thread":
    // their marks return at once, and the holder adds them before it lets go.
    const add = (i: number) => {
      added.push(i);
      if (i === 0) {
        markAndDrain(claim.chain, 1, true, () => added.push(-1));
        markAndDrain(claim.chain, 2, true, () => added.push(-1));
      }
      jsKernels.accumulate(weights[i], deltas[i], claim.chain.acc);
    };
    markAndDrain(claim.chain, 0, true, add);
    expect(added).toEqual([0, 1, 2]);
    for (const i of [3, 4, 5]) markAndDrain(claim.chain, i, true, add);
    expect(reduction.complete()).toBe(true);
  });
});

describe('the chain zeroes and rounds its own sum', () => {
  it('starts from +0 whatever the accumulator held, and writes the float32 sum once the last Δ is added', () => {
    const { claim, add } = opened();
    const mean = new Float32Array(SIZE).fill(7);
    const chain: ReductionChain = { ...claim.chain, mean };
    chain.acc.fill(Number.NaN); // a previous round's sum
    for (const i of [0, 1, 2, 3, 4]) markAndDrain(chain, i, true, add);
    expect(mean.every((v) => v === 7)).toBe(true); // not complete: nothing rounded yet
    expect(markAndDrainFlags.complete(chain.ctrl)).toBe(false);
    markAndDrain(chain, 5, true, add);
    const want = sequential();
    expect(Array.from(chain.acc)).toEqual(Array.from(want));
    // Float32Array.from rounds to nearest, ties to even: what the server's close did with the float64 sum
    expect(Array.from(mean)).toEqual(Array.from(Float32Array.from(want)));
    expect(markAndDrainFlags.complete(chain.ctrl)).toBe(true);
    expect(markAndDrainFlags.ready(chain.ctrl, ORDER.length)).toBe(false); // past the end
  });
});

describe('takeHead and markHeld (a node next in order adds its own Δ while writing it)', () => {
  it('add in order with the marked nodes, to the bits of one thread, and round the mean at the end', () => {
    const { reduction, claim, added, add } = opened();
    const chain = claim.chain;
    chain.acc.fill(9); // garbage: index 0's head zeroes it
    const whole = (i: number) => jsKernels.accumulate(chain.weights[i], deltas[i], chain.acc);
    expect(takeHead(chain, 0)).toBe(true);
    whole(0);
    markHeld(chain, 0, true, true, add);
    expect(takeHead(chain, 2)).toBe(false); // 1 is next: not the head, nothing held
    markAndDrain(chain, 2, true, add);
    expect(takeHead(chain, 1)).toBe(true);
    whole(1);
    markHeld(chain, 1, true, true, add); // drains 2 behind it
    expect(takeHead(chain, 3)).toBe(true);
    expect(takeHead(chain, 3)).toBe(false); // the lock is held
    whole(3);
    markHeld(chain, 3, true, true, add);
    expect(takeHead(chain, 4)).toBe(true);
    markHeld(chain, 4, false, true, add); // the sink went unused: its Δ waits in the arena and is drained
    expect(reduction.complete()).toBe(false);
    expect(takeHead(chain, 5)).toBe(true);
    whole(5);
    markHeld(chain, 5, true, true, add);
    expect(reduction.complete()).toBe(true);
    expect(added).toEqual([2, 4]);
    expect(Array.from(chain.acc)).toEqual(Array.from(sequential()));
    if (chain.mean) expect(Array.from(chain.mean)).toEqual(Array.from(Float32Array.from(sequential())));
  });

  it('leave the chain void when the held node added a non-finite Δ', () => {
    const { reduction, claim, add } = opened();
    expect(takeHead(claim.chain, 0)).toBe(true);
    markHeld(claim.chain, 0, true, false, add);
    for (let i = 1; i < ORDER.length; i++) markAndDrain(claim.chain, i, true, add);
    expect(reduction.complete()).toBe(false);
    expect(takeHead(claim.chain, 1)).toBe(false); // the chain stops at 0 for good
    expect(markAndDrainFlags.ready(claim.chain.ctrl, 0)).toBe(false);
  });
});
