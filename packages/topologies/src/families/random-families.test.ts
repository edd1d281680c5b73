import { Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { degreeStats, edgeCount, edgePairs, isConnected } from '../graph.js';
import { erdosRenyiGraph } from './erdos-renyi.js';
import { randomRegularGraph } from './random-regular.js';
import { wattsStrogatzGraph } from './watts-strogatz.js';

const same = (a: { neighbors: readonly Int32Array[] }, b: { neighbors: readonly Int32Array[] }) =>
  a.neighbors.every((nb, i) => nb.length === b.neighbors[i].length && nb.every((x, k) => x === b.neighbors[i][k]));

describe('random regular graphs', () => {
  it('gives every node degree d, is connected and replays for a seed', () => {
    const a = randomRegularGraph({ nodes: 60, degree: 3 }, Rng.fromSeed(1));
    expect(degreeStats(a)).toEqual({ min: 3, max: 3, mean: 3 });
    expect(isConnected(a)).toBe(true);
    expect(same(a, randomRegularGraph({ nodes: 60, degree: 3 }, Rng.fromSeed(1)))).toBe(true);
    expect(same(a, randomRegularGraph({ nodes: 60, degree: 3 }, Rng.fromSeed(2)))).toBe(false);
  });

  it('handles dense degrees where plain rejection of whole pairings would never succeed', () => {
    const g = randomRegularGraph({ nodes: 40, degree: 20 }, Rng.fromSeed(3));
    expect(degreeStats(g)).toEqual({ min: 20, max: 20, mean: 20 });
  });

  it('rejects odd n·d and reports disconnected degree-2 draws', () => {
    expect(() => randomRegularGraph({ nodes: 9, degree: 3 }, Rng.fromSeed(0))).toThrow(
      'topology.degree must be even when multiplied by nodes = 9, got 3',
    );
    expect(() => randomRegularGraph({ nodes: 400, degree: 2, maxTries: 3 }, Rng.fromSeed(0))).toThrow(
      /3 draws of a 2-regular graph on 400 nodes failed or were disconnected/,
    );
  });
});

describe('Erdős–Rényi graphs', () => {
  it('keeps each pair with probability p (edge count within 4 standard deviations)', () => {
    const n = 400;
    const p = 0.05;
    const g = erdosRenyiGraph({ nodes: n, p }, Rng.fromSeed(11));
    const pairs = (n * (n - 1)) / 2;
    const sd = Math.sqrt(pairs * p * (1 - p));
    expect(Math.abs(edgeCount(g) - pairs * p)).toBeLessThan(4 * sd);
    expect(isConnected(g)).toBe(true);
  });

  it('covers the whole pair range: low and high node ids get the same mean degree', () => {
    const g = erdosRenyiGraph({ nodes: 400, p: 0.1 }, Rng.fromSeed(12));
    const mean = (from: number, to: number) => {
      let s = 0;
      for (let i = from; i < to; i++) s += g.neighbors[i].length;
      return s / (to - from);
    };
    // Expected 39.9 each; sd of a 100-node mean is about 0.6.
    expect(Math.abs(mean(0, 100) - 39.9)).toBeLessThan(3);
    expect(Math.abs(mean(300, 400) - 39.9)).toBeLessThan(3);
  });

  it('replays for a seed, gives K_n at p = 1 and explains an impossible p', () => {
    const a = erdosRenyiGraph({ nodes: 20, p: 0.3 }, Rng.fromSeed(5));
    expect(same(a, erdosRenyiGraph({ nodes: 20, p: 0.3 }, Rng.fromSeed(5)))).toBe(true);
    expect(edgeCount(erdosRenyiGraph({ nodes: 9, p: 1 }, Rng.fromSeed(5)))).toBe(36);
    expect(() => erdosRenyiGraph({ nodes: 20, p: 1.5 }, Rng.fromSeed(5))).toThrow(
      'topology.p must be in (0, 1], got 1.5',
    );
    expect(() => erdosRenyiGraph({ nodes: 200, p: 0.002, maxTries: 5 }, Rng.fromSeed(5))).toThrow(
      /5 draws of G\(200, p\) were all disconnected; connectivity needs p above about ln\(n\)\/n = 0\.0265/,
    );
  });
});

describe('Watts–Strogatz graphs', () => {
  it('is the ring lattice at beta = 0', () => {
    const g = wattsStrogatzGraph({ nodes: 12, k: 4, beta: 0 }, Rng.fromSeed(1));
    expect(degreeStats(g)).toEqual({ min: 4, max: 4, mean: 4 });
    expect(Array.from(g.neighbors[0])).toEqual([1, 2, 10, 11]);
  });

  it('rewires about beta of the edges, keeps n·k/2 edges, stays connected and replays', () => {
    const n = 500;
    const g = wattsStrogatzGraph({ nodes: n, k: 6, beta: 0.2 }, Rng.fromSeed(9));
    expect(edgeCount(g)).toBe((n * 6) / 2);
    expect(isConnected(g)).toBe(true);
    const pairs = edgePairs(g);
    let longRange = 0;
    for (let e = 0; e < pairs.length; e += 2) {
      const d = Math.min(pairs[e + 1] - pairs[e], n - (pairs[e + 1] - pairs[e]));
      if (d > 3) longRange++;
    }
    // 1500 edges, 20% rewired (a few land back within distance 3): about 297 expected, sd ~ 16.
    expect(longRange).toBeGreaterThan(230);
    expect(longRange).toBeLessThan(360);
    expect(same(g, wattsStrogatzGraph({ nodes: n, k: 6, beta: 0.2 }, Rng.fromSeed(9)))).toBe(true);
  });

  it('requires an even k', () => {
    expect(() => wattsStrogatzGraph({ nodes: 10, k: 3, beta: 0.1 }, Rng.fromSeed(1))).toThrow(
      'topology.k must be even (k/2 neighbours on each side), got 3',
    );
  });
});
