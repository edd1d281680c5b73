import { Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { makeAggregator } from './aggregator-table.js';
import { aggregateOnce, contextFor, honestUpdates } from './fixtures/robust-inputs.js';

const DIM = 29;

/** Every kind, with options under which the properties below hold (τ and the bound above every input norm). */
const SPECS = [
  { kind: 'mean' },
  { kind: 'median' },
  { kind: 'trimmed_mean', beta: 0.2 },
  { kind: 'krum', f: 2 },
  { kind: 'multi_krum', f: 2 },
  { kind: 'geomed', iterations: 50 },
  { kind: 'centered_clip', tau: 100, iterations: 2 },
  { kind: 'norm_bound', bound: 100 },
];
const BUCKETED = SPECS.filter((s) => s.kind !== 'mean' && s.kind !== 'norm_bound').map((s) => ({ ...s, bucketing: 2 }));
const name = (s: Record<string, unknown>) => JSON.stringify(s);

/** Kinds whose output is a selection or a sort of the inputs: bit for bit the same in any input order. */
const SELECTIONS = new Set(['median', 'trimmed_mean', 'krum', 'multi_krum']);

describe.each(SPECS.map((s) => [name(s), s] as const))('%s', (_, spec) => {
  it.each([1, 2, 3])('is invariant to the order of the updates (seed %i)', (seed) => {
    const vectors = honestUpdates(seed, 9, DIM, 0.5);
    const order = Array.from(Rng.fromSeed(seed + 100).permutation(vectors.length));
    const a = aggregateOnce(makeAggregator(spec), vectors);
    const b = aggregateOnce(
      makeAggregator(spec),
      order.map((i) => vectors[i]),
    );
    if (SELECTIONS.has(spec.kind)) expect(Array.from(b)).toEqual(Array.from(a));
    // Float64 sums in input order: the order can move the last float32 bit, nothing more.
    else for (let i = 0; i < DIM; i++) expect(Math.abs(b[i] - a[i])).toBeLessThanOrEqual(4e-7 * (1 + Math.abs(a[i])));
  });
});

describe.each([...SPECS, ...BUCKETED].map((s) => [name(s), s] as const))('%s', (_, spec) => {
  it.each([1, 2, 3, 5, 8])('returns the input itself when all %i inputs are equal (the mean)', (n) => {
    const x = honestUpdates(n, 1, DIM, 1)[0];
    const aggregator = makeAggregator(spec);
    const vectors = Array.from({ length: n }, () => x.slice());
    expect(Array.from(aggregateOnce(aggregator, vectors))).toEqual(Array.from(x));
    // A second round (centered clipping now starts from its momentum) gives x again.
    expect(Array.from(aggregateOnce(aggregator, vectors, contextFor(0, 1)))).toEqual(Array.from(x));
  });
});

describe.each(BUCKETED.map((s) => [name(s), s] as const))('%s', (_, spec) => {
  it('draws its buckets from the round stream: same stream, same bits; another round, other buckets', () => {
    const vectors = honestUpdates(4, 10, DIM, 0.5);
    const a = aggregateOnce(makeAggregator(spec), vectors, contextFor(7, 3));
    expect(Array.from(aggregateOnce(makeAggregator(spec), vectors, contextFor(7, 3)))).toEqual(Array.from(a));
    expect(Array.from(aggregateOnce(makeAggregator(spec), vectors, contextFor(7, 4)))).not.toEqual(Array.from(a));
  });
});
