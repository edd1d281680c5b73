import { describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng.js';
import {
  estimateBinaryFrequency,
  estimateKAryFrequencies,
  kAryRandomizedResponse,
  randomizedResponse,
  randomizedResponseTruthProbability,
} from './randomized-response.js';

describe('randomized response', () => {
  it('tells the truth with probability e^ε/(e^ε + k − 1): 3/4 at ε = ln 3 for a yes/no question', () => {
    expect(randomizedResponseTruthProbability(Math.log(3))).toBeCloseTo(0.75, 15);
    const p = randomizedResponseTruthProbability(2, 5);
    const r = (1 - p) / 4;
    expect(p).toBeCloseTo(Math.exp(2) / (Math.exp(2) + 4), 15);
    expect(p / r).toBeCloseTo(Math.exp(2), 12); // the ε-LDP likelihood ratio, attained exactly
    expect(() => randomizedResponseTruthProbability(0)).toThrow('epsilon must be a finite number > 0, got 0');
    expect(() => randomizedResponseTruthProbability(1, 1)).toThrow('k must be an integer >= 2, got 1');
  });

  it('estimates a binary frequency without bias (300 seeded surveys of 2000 people)', () => {
    const [truth, n, trials, epsilon] = [0.3, 2000, 300, 1];
    const rng = Rng.fromSeed(21);
    const estimates: number[] = [];
    let rawMean = 0;
    for (let t = 0; t < trials; t++) {
      const reports: boolean[] = [];
      for (let i = 0; i < n; i++) reports.push(randomizedResponse(i < truth * n, epsilon, rng));
      estimates.push(estimateBinaryFrequency(reports, epsilon));
      rawMean += reports.filter(Boolean).length / n / trials;
    }
    const mean = estimates.reduce((a, b) => a + b, 0) / trials;
    const p = randomizedResponseTruthProbability(epsilon);
    // Per-survey std ≤ 0.5/(√n·(2p − 1)) ≈ 0.024, so the mean of 300 has standard error ≤ 0.0014.
    const standardError = 0.5 / (Math.sqrt(n) * (2 * p - 1)) / Math.sqrt(trials);
    expect(Math.abs(mean - truth)).toBeLessThan(4 * standardError);
    // The raw share of "yes" reports is biased towards 1/2 (0.408 here): the correction matters.
    expect(Math.abs(rawMean - truth)).toBeGreaterThan(0.09);
  });

  it('estimates k-ary frequencies without bias (100 seeded surveys of 4000 people, k = 5)', () => {
    const truth = [0.5, 0.2, 0.15, 0.1, 0.05];
    const [k, n, trials, epsilon] = [5, 4000, 100, 2];
    const population: number[] = [];
    truth.forEach((f, v) => {
      for (let i = 0; i < f * n; i++) population.push(v);
    });
    const rng = Rng.fromSeed(4);
    const mean = new Float64Array(k);
    for (let t = 0; t < trials; t++) {
      const reports = population.map((v) => kAryRandomizedResponse(v, k, epsilon, rng));
      const estimate = estimateKAryFrequencies(reports, k, epsilon);
      expect(estimate.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      for (let v = 0; v < k; v++) mean[v] += estimate[v] / trials;
    }
    const p = randomizedResponseTruthProbability(epsilon, k);
    const r = (1 - p) / (k - 1);
    const standardError = 0.5 / (Math.sqrt(n) * (p - r)) / Math.sqrt(trials);
    for (let v = 0; v < k; v++) expect(Math.abs(mean[v] - truth[v])).toBeLessThan(4 * standardError);
  });

  it('reports each other category equally often and never an out-of-range one', () => {
    const [k, epsilon, draws] = [4, 1, 40_000];
    const rng = Rng.fromSeed(9);
    const counts = new Array(k).fill(0);
    for (let i = 0; i < draws; i++) counts[kAryRandomizedResponse(2, k, epsilon, rng)]++;
    const p = randomizedResponseTruthProbability(epsilon, k);
    const expected = [0, 1, 2, 3].map((v) => draws * (v === 2 ? p : (1 - p) / 3));
    for (let v = 0; v < k; v++) expect(Math.abs(counts[v] - expected[v])).toBeLessThan(5 * Math.sqrt(expected[v]));
    expect(() => kAryRandomizedResponse(4, k, epsilon, rng)).toThrow('value must be an integer in [0, 4), got 4');
    expect(() => estimateKAryFrequencies([0, 7], k, epsilon)).toThrow('reports[1]');
  });
});
