import { describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng.js';
import { consensusObjective, quadraticConsensus } from './quadratic-consensus.js';
import { syntheticBlobs } from './synthetic-blobs.js';
import { syntheticLinear } from './synthetic-linear.js';
import { syntheticLogistic } from './synthetic-logistic.js';

/** Solves the (d+1)×(d+1) normal equations of least squares with an intercept, in float64. */
function leastSquares(x: Float32Array, y: ArrayLike<number>, n: number, d: number): number[] {
  const m = d + 1;
  const a = Array.from({ length: m }, () => new Array<number>(m + 1).fill(0));
  const row = new Array<number>(m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = x[i * d + j];
    row[d] = 1;
    for (let r = 0; r < m; r++) {
      for (let c = 0; c < m; c++) a[r][c] += row[r] * row[c];
      a[r][m] += row[r] * y[i];
    }
  }
  for (let p = 0; p < m; p++) {
    for (let r = p + 1; r < m; r++) {
      const f = a[r][p] / a[p][p];
      for (let c = p; c <= m; c++) a[r][c] -= f * a[p][c];
    }
  }
  const sol = new Array<number>(m).fill(0);
  for (let r = m - 1; r >= 0; r--) {
    let s = a[r][m];
    for (let c = r + 1; c < m; c++) s -= a[r][c] * sol[c];
    sol[r] = s / a[r][r];
  }
  return sol;
}

describe('syntheticLinear', () => {
  const o = { n: 4000, nTest: 500, d: 5, noise: 0.3 };
  const task = syntheticLinear(Rng.fromSeed(11), o);

  it('has features from N(0, 1) and targets from w·x + b plus noise of std 0.3', () => {
    const fit = leastSquares(task.train.x, task.train.y, o.n, o.d);
    // Standard error of each coefficient is about noise / √n = 0.0047; allow 5 of them.
    for (let j = 0; j < o.d; j++) expect(Math.abs(fit[j] - task.w[j])).toBeLessThan(0.024);
    expect(Math.abs(fit[o.d] - task.b)).toBeLessThan(0.024);
    let rss = 0;
    for (let i = 0; i < o.n; i++) {
      let pred = task.b;
      for (let j = 0; j < o.d; j++) pred += task.w[j] * task.train.x[i * o.d + j];
      rss += (task.train.y[i] - pred) ** 2;
    }
    // Residual variance is noise² = 0.09 (not 0.3), within 10% for n = 4000.
    expect(rss / o.n).toBeGreaterThan(0.081);
    expect(rss / o.n).toBeLessThan(0.099);
  });

  it('is reproducible by seed, and w does not depend on n', () => {
    const again = syntheticLinear(Rng.fromSeed(11), { ...o, n: 10 });
    expect(Array.from(again.w)).toEqual(Array.from(task.w));
    expect(Array.from(again.train.y)).toEqual(Array.from(task.train.y.subarray(0, 10)));
    expect(Array.from(syntheticLinear(Rng.fromSeed(12), o).w)).not.toEqual(Array.from(task.w));
    expect([task.train.classes, task.test.n]).toEqual([0, 500]);
  });
});

describe('syntheticLogistic', () => {
  it('draws labels whose rate matches σ(w·x + b) and whose Bayes accuracy matches E[max(σ, 1 − σ)]', () => {
    const o = { n: 20_000, nTest: 10, d: 8, scale: 2 };
    const { train, w, b } = syntheticLogistic(Rng.fromSeed(5), o);
    let expectedOnes = 0;
    let ones = 0;
    let expectedAcc = 0;
    let bayesRight = 0;
    for (let i = 0; i < o.n; i++) {
      let t = b;
      for (let j = 0; j < o.d; j++) t += w[j] * train.x[i * o.d + j];
      const p = 1 / (1 + Math.exp(-t));
      expectedOnes += p;
      ones += train.y[i];
      expectedAcc += Math.max(p, 1 - p);
      if ((t > 0 ? 1 : 0) === train.y[i]) bayesRight++;
    }
    // Binomial standard deviation is below √(n/4) = 71; allow 4 of them.
    expect(Math.abs(ones - expectedOnes)).toBeLessThan(284);
    expect(Math.abs(bayesRight - expectedAcc)).toBeLessThan(284);
    expect(train.classes).toBe(2);
  });

  it('gives the logit w·x a standard deviation of about scale', () => {
    const { w } = syntheticLogistic(Rng.fromSeed(6), { n: 1, nTest: 1, d: 4000, scale: 3 });
    const norm = Math.sqrt(w.reduce((a, v) => a + v * v, 0));
    expect(norm).toBeGreaterThan(2.85);
    expect(norm).toBeLessThan(3.15);
  });
});

describe('syntheticBlobs', () => {
  it('has balanced classes centered on the returned centers with the stated std', () => {
    const o = { n: 6000, nTest: 300, d: 3, classes: 3, std: 2, spread: 5 };
    const { train, test, centers } = syntheticBlobs(Rng.fromSeed(9), o);
    const count = [0, 0, 0];
    const sum = new Float64Array(9);
    const sq = new Float64Array(9);
    for (let i = 0; i < o.n; i++) {
      const k = train.y[i];
      count[k]++;
      for (let j = 0; j < 3; j++) {
        const v = train.x[i * 3 + j] - centers[k * 3 + j];
        sum[k * 3 + j] += v;
        sq[k * 3 + j] += v * v;
      }
    }
    expect(count).toEqual([2000, 2000, 2000]);
    for (let c = 0; c < 9; c++) {
      // Mean offset ~ 2/√2000 = 0.045 (allow 4 σ); variance std² = 4 (not 2) within 10%.
      expect(Math.abs(sum[c] / 2000)).toBeLessThan(0.18);
      expect(sq[c] / 2000).toBeGreaterThan(3.6);
      expect(sq[c] / 2000).toBeLessThan(4.4);
    }
    expect(test.n).toBe(300);
    expect(train.y[0] === 0 && train.y[1] === 1 && train.y[2] === 2).toBe(false);
  });
});

describe('quadraticConsensus', () => {
  it('returns the targets and their mean as the minimizer of the average of ½‖w − x_j‖²', () => {
    const { train, targets, optimum } = quadraticConsensus(Rng.fromSeed(2), { nodes: 8, d: 4, spread: 3 });
    expect([train.n, train.d, train.classes]).toEqual([8, 4, 0]);
    expect(train.x).toBe(targets);
    for (let j = 0; j < 4; j++) {
      let mean = 0;
      for (let k = 0; k < 8; k++) mean += targets[k * 4 + j] / 8;
      expect(optimum[j]).toBeCloseTo(mean, 6);
    }
    // f(w*) = (1/m) Σ ½‖x_j − x̄‖², and any step away raises f by ½‖δ‖².
    const f = consensusObjective(targets, optimum);
    const moved = Float32Array.from(optimum, (v, j) => v + (j === 0 ? 0.5 : 0));
    expect(consensusObjective(targets, moved) - f).toBeCloseTo(0.125, 5);
  });
});
