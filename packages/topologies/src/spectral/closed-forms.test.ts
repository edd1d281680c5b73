import { describe, expect, it } from 'vitest';
import { completeGraph, hypercubeGraph, ringGraph, starGraph, torusGraph } from '../families/deterministic.js';
import { metropolisWeights } from '../mixing/weights.js';
import { mixingEigenvalues, mixingLambda2 } from './lambda2.js';

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const expectSpectrum = (got: Float64Array, want: number[]) => {
  const w = sorted(want);
  expect(got.length).toBe(w.length);
  got.forEach((x, k) => {
    expect(Math.abs(x - w[k])).toBeLessThan(1e-12);
  });
};

describe('spectral gaps against closed forms (Metropolis weights)', () => {
  it('ring: |lambda_2| = (1 + 2cos(2π/n))/3, 0.804738 at n = 8 and 0.949253 at n = 16', () => {
    const l8 = mixingLambda2(metropolisWeights(ringGraph(8))).lambda2;
    const l16 = mixingLambda2(metropolisWeights(ringGraph(16))).lambda2;
    expect(l8).toBeCloseTo(0.804738, 6);
    expect(l16).toBeCloseTo(0.949253, 6);
    for (const n of [5, 8, 16, 33]) {
      const r = mixingLambda2(metropolisWeights(ringGraph(n)));
      expect(Math.abs(r.lambda2 - (1 + 2 * Math.cos((2 * Math.PI) / n)) / 3)).toBeLessThan(1e-12);
      expect(r.spectralGap).toBeCloseTo(1 - r.lambda2, 15);
    }
  });

  it('ring: the whole spectrum is (1 + 2cos(2πk/n))/3', () => {
    const n = 12;
    const want = Array.from({ length: n }, (_, k) => (1 + 2 * Math.cos((2 * Math.PI * k) / n)) / 3);
    expectSpectrum(mixingEigenvalues(metropolisWeights(ringGraph(n))), want);
  });

  it('complete graph: W = J/n, so |lambda_2| = 0 and the gap is 1', () => {
    const r = mixingLambda2(metropolisWeights(completeGraph(10)));
    expect(r.lambda2).toBeLessThan(1e-12);
    expect(r.spectralGap).toBeCloseTo(1, 12);
  });

  it('star: eigenvalues 1, 1 − 1/n (n − 2 times) and 0, so |lambda_2| = 1 − 1/n', () => {
    const n = 9;
    const want = [1, 0, ...Array.from({ length: n - 2 }, () => 1 - 1 / n)];
    expectSpectrum(mixingEigenvalues(metropolisWeights(starGraph(n))), want);
  });

  it('torus r × c: eigenvalues (1 + 2cos(2πa/r) + 2cos(2πb/c))/5', () => {
    for (const [rows, cols] of [
      [4, 4],
      [5, 5],
      [3, 7],
    ]) {
      const want: number[] = [];
      for (let a = 0; a < rows; a++)
        for (let b = 0; b < cols; b++)
          want.push((1 + 2 * Math.cos((2 * Math.PI * a) / rows) + 2 * Math.cos((2 * Math.PI * b) / cols)) / 5);
      const w = metropolisWeights(torusGraph({ rows, cols }));
      expectSpectrum(mixingEigenvalues(w), want);
      const lambda2 = Math.max(...sorted(want).slice(0, -1).map(Math.abs));
      expect(Math.abs(mixingLambda2(w).lambda2 - lambda2)).toBeLessThan(1e-12);
    }
  });

  it('hypercube of dimension d: eigenvalues (1 + d − 2k)/(d + 1) with multiplicity C(d, k)', () => {
    for (const d of [2, 3, 5]) {
      const want: number[] = [];
      let binom = 1;
      for (let k = 0; k <= d; k++) {
        for (let c = 0; c < binom; c++) want.push((1 + d - 2 * k) / (d + 1));
        binom = (binom * (d - k)) / (k + 1);
      }
      const w = metropolisWeights(hypercubeGraph(2 ** d));
      expectSpectrum(mixingEigenvalues(w), want);
      expect(Math.abs(mixingLambda2(w).lambda2 - (d - 1) / (d + 1))).toBeLessThan(1e-12);
    }
  });
});
