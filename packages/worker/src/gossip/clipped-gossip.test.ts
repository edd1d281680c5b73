import { jsKernels, type Kernels, Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { loadKernels } from '../kernel-choice.js';
import { clippedGossip } from './clipped-gossip.js';
import { type MixTerm, mix } from './combine.js';
import { makeGossipCombine } from './gossip-aggregator-table.js';

const D = 257;

function gaussian(rng: Rng, scale = 1, shift = 0): Float32Array {
  return Float32Array.from({ length: D }, () => shift + scale * rng.normal());
}

/** Peer 2 of a 4-neighbourhood: its own value and three neighbours, Metropolis-like weights summing to 1. */
function neighbourhood(seed: number, spread = 1): MixTerm[] {
  const rng = Rng.fromSeed(seed);
  const weights = [0.2, 0.3, 0.25, 0.25];
  return [3, 0, 2, 1].map((node) => ({ node, weight: weights[node], value: gaussian(rng.fork('v', node), spread) }));
}

const l2 = (a: Float32Array, b: Float32Array) => Math.sqrt(a.reduce((s, x, k) => s + (x - b[k]) ** 2, 0));

/** Σ_j W_ij (v_i + CLIP(v_j − v_i, τ)) in float64, straight from He, Karimireddy, Jaggi 2022 (eq. 2). */
function reference(self: number, terms: readonly MixTerm[], tau: number): Float64Array {
  const v = (terms.find((t) => t.node === self) as MixTerm).value;
  const out = new Float64Array(D);
  for (const t of terms) {
    const norm = l2(t.value, v);
    const c = norm > tau ? tau / norm : 1;
    for (let k = 0; k < D; k++) out[k] += t.weight * (v[k] + c * (t.value[k] - v[k]));
  }
  return out;
}

const backends: [string, Kernels][] = [
  ['js', jsKernels],
  ['native', loadKernels('native').kernels],
];

describe.each(backends)('clipped gossip (%s kernels)', (_, kernels) => {
  it.each([false, true])(
    'with no neighbour beyond tau (tau = +∞ or 1e6) equals plain gossip to the bit (renormalize %s)',
    (renormalize) => {
      for (const tau of [Number.POSITIVE_INFINITY, 1e6]) {
        const terms = neighbourhood(7);
        const plain = new Float32Array(D);
        const clipped = new Float32Array(D);
        mix(kernels, terms.slice(0, 3), renormalize, plain);
        clippedGossip(tau).combine(kernels, 2, terms.slice(0, 3), renormalize, clipped);
        expect(Buffer.from(clipped.buffer)).toEqual(Buffer.from(plain.buffer));
      }
    },
  );

  it('matches the paper formula in float64 when some neighbours are clipped', () => {
    const terms = neighbourhood(11, 3);
    const tau = 5; // the pairwise distances are about 3·√(2·257) ≈ 68: every neighbour is clipped
    const out = new Float32Array(D);
    clippedGossip(tau).combine(kernels, 2, terms, false, out);
    const want = reference(2, terms, tau);
    for (let k = 0; k < D; k++) expect(out[k]).toBeCloseTo(want[k], 4);
  });

  it('a Byzantine neighbour sending 1e30s moves the peer by at most 2·tau·W_ib, the whole pull stays within tau·(1 − W_ii)', () => {
    const tau = 0.5;
    const honest = neighbourhood(3);
    const byzantine = honest.map((t) => (t.node === 1 ? { ...t, value: new Float32Array(D).fill(1e30) } : t));
    const rule = clippedGossip(tau);
    const a = new Float32Array(D);
    const b = new Float32Array(D);
    rule.combine(kernels, 2, honest, false, a);
    rule.combine(kernels, 2, byzantine, false, b);
    const own = (honest.find((t) => t.node === 2) as MixTerm).value;
    const wb = 0.3;
    expect(l2(a, b)).toBeLessThanOrEqual(2 * tau * wb * (1 + 1e-5));
    expect(l2(b, own)).toBeLessThanOrEqual(tau * (1 - 0.25) * (1 + 1e-5));
    // the plain mean is taken over: the same attack moves it by about 0.3e30 per coordinate
    const plain = new Float32Array(D);
    mix(kernels, byzantine, false, plain);
    expect(plain[0]).toBeGreaterThan(1e29);
  });

  it('gives the same bits whatever order the terms come in', () => {
    const terms = neighbourhood(5, 2);
    const rule = clippedGossip(4);
    const a = new Float32Array(D);
    const b = new Float32Array(D);
    rule.combine(kernels, 2, terms, true, a);
    rule.combine(kernels, 2, [...terms].reverse(), true, b);
    expect(Buffer.from(a.buffer)).toEqual(Buffer.from(b.buffer));
  });
});

describe('gossip aggregator table', () => {
  it('builds plain gossip by default and clipped gossip from its spec', () => {
    expect(makeGossipCombine(undefined).kind).toBe('mean');
    expect(makeGossipCombine({ kind: 'mean' }).kind).toBe('mean');
    expect(makeGossipCombine({ kind: 'clipped_gossip', tau: 1 }).kind).toBe('clipped_gossip');
  });

  it('names the option path of a bad spec', () => {
    expect(() => makeGossipCombine({ kind: 'clipped_gossip', tau: -1 })).toThrow(/algorithm\.aggregator\.tau/);
    expect(() => makeGossipCombine({ kind: 'clipped_gossip' })).toThrow(/algorithm\.aggregator\.tau/);
    expect(() => makeGossipCombine({ kind: 'krum' })).toThrow(
      /algorithm\.aggregator\.kind must be one of mean, clipped_gossip/,
    );
    expect(() => makeGossipCombine({ kind: 'mean', tau: 1 })).toThrow(/algorithm\.aggregator\.tau must be absent/);
  });
});
