import { describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng.js';
import type { AttackSpec } from './attack-spec.js';
import { applyAttack } from './attacks.js';
import { RunningMoments } from './running-moments.js';

const rng = Rng.fromSeed(11);
const honest = Array.from({ length: 5 }, () => {
  const v = new Float32Array(64);
  rng.fillNormal(v, 0.3, 2);
  return v;
});
const own = honest[0];

/** Two-pass mean and population std in float64, the textbook formulas (independent of Welford). */
function twoPass(vs: Float32Array[]): { mean: Float64Array; std: Float64Array } {
  const n = vs.length;
  const d = vs[0].length;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (const v of vs) s += v[i];
    mean[i] = s / n;
    let q = 0;
    for (const v of vs) q += (v[i] - mean[i]) ** 2;
    std[i] = Math.sqrt(q / n);
  }
  return { mean, std };
}

function stats(vs: Float32Array[]): { mean: Float32Array; std: Float32Array } {
  const m = new RunningMoments(vs[0].length);
  for (const v of vs) m.add(v);
  const mean = new Float32Array(vs[0].length);
  const std = new Float32Array(vs[0].length);
  m.mean(mean);
  m.std(std);
  return { mean, std };
}

function run(attack: AttackSpec, inputs: { mean: Float32Array | null; std: Float32Array | null }, z = 0): Float32Array {
  const out = new Float32Array(own.length);
  applyAttack(attack, { own, ...inputs }, z, Rng.fromSeed(5), out);
  return out;
}

describe('attacks against their closed forms', () => {
  it('RunningMoments gives the two-pass mean and population std', () => {
    const s = stats(honest);
    const ref = twoPass(honest);
    for (let i = 0; i < own.length; i++) {
      expect(s.mean[i]).toBe(Math.fround(ref.mean[i]));
      expect(s.std[i]).toBeCloseTo(ref.std[i], 5);
    }
  });

  it('sign flip is −scale·Δ and scale is factor·Δ, exactly', () => {
    const flipped = run({ kind: 'sign_flip', scale: 3 }, { mean: null, std: null });
    const scaled = run({ kind: 'scale', factor: 10 }, { mean: null, std: null });
    for (let i = 0; i < own.length; i++) {
      expect(flipped[i]).toBe(Math.fround(-3 * own[i]));
      expect(scaled[i]).toBe(Math.fround(10 * own[i]));
    }
  });

  it('omniscient sign flip flips the honest mean', () => {
    const s = stats(honest);
    const out = run({ kind: 'sign_flip', scale: 1 }, s);
    for (let i = 0; i < own.length; i++) expect(out[i]).toBe(-s.mean[i]);
  });

  it('ALIE is μ − z·σ per coordinate', () => {
    const ref = twoPass(honest);
    const out = run({ kind: 'alie' }, stats(honest), 1.5);
    for (let i = 0; i < own.length; i++) expect(out[i]).toBeCloseTo(ref.mean[i] - 1.5 * ref.std[i], 5);
  });

  it('IPM is −ε·mean of the honest updates', () => {
    const ref = twoPass(honest);
    const out = run({ kind: 'ipm', epsilon: 0.1 }, stats(honest));
    for (let i = 0; i < own.length; i++) expect(out[i]).toBeCloseTo(-0.1 * ref.mean[i], 6);
  });

  it('gaussian noise has the given standard deviation (not variance) around the base', () => {
    const big = new Float32Array(200_000);
    applyAttack({ kind: 'gaussian', std: 3 }, { own: big, mean: null, std: null }, 0, Rng.fromSeed(2), big);
    let s = 0;
    let q = 0;
    for (const v of big) {
      s += v;
      q += v * v;
    }
    const mean = s / big.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.sqrt(q / big.length - mean * mean)).toBeCloseTo(3, 1);
  });

  it('label flip leaves the (poisoned) update as trained', () => {
    expect(run({ kind: 'label_flip' }, { mean: null, std: null })).toEqual(own);
  });

  it('statistic attacks refuse to run without statistics', () => {
    expect(() => run({ kind: 'ipm', epsilon: 0.1 }, { mean: null, std: null })).toThrow(/reference/);
  });
});
