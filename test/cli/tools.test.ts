import { describe, expect, it } from 'vitest';
import { starling } from './cli-helpers.js';

describe('starling topology inspect', () => {
  it('reports the closed-form |lambda_2| of a Metropolis ring as JSON', () => {
    const r = starling(['topology', 'inspect', 'ring', '--nodes', '8', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    const closed = (1 + 2 * Math.cos((2 * Math.PI) / 8)) / 3; // 0.804738
    expect(report.nodes).toBe(8);
    expect(report.lambda2).toBeCloseTo(closed, 9);
    expect(report.spectralGap).toBeCloseTo(1 - closed, 9);
  });

  it('refuses an impossible node count with exit code 2', () => {
    const r = starling(['topology', 'inspect', 'ring', '--nodes', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nodes must be/);
  });
});

describe('starling privacy', () => {
  it("gives Opacus' known epsilon for q = 0.04, sigma = 1.5, 2250 steps, delta = 1e-5", () => {
    const r = starling([
      'privacy',
      'epsilon',
      '--sample-rate',
      '0.04',
      '--noise-multiplier',
      '1.5',
      '--steps',
      '2250',
      '--delta',
      '1e-5',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(Math.abs(report.epsilon - 7.32911117143) / 7.32911117143).toBeLessThan(1e-6);
    expect(report.order).toBeGreaterThan(1);
  });

  it('calibrates sigma for a target epsilon without overshooting it', () => {
    const r = starling([
      'privacy',
      'sigma',
      '--target-epsilon',
      '3',
      '--sample-rate',
      '0.04',
      '--steps',
      '2250',
      '--delta',
      '1e-5',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const { noiseMultiplier, epsilon } = JSON.parse(r.stdout);
    expect(epsilon).toBeLessThanOrEqual(3);
    const back = starling([
      'privacy',
      'epsilon',
      '--sample-rate',
      '0.04',
      '--noise-multiplier',
      String(noiseMultiplier),
      '--steps',
      '2250',
      '--delta',
      '1e-5',
      '--json',
    ]);
    expect(JSON.parse(back.stdout).epsilon).toBeLessThanOrEqual(3);
  });

  it('names a bad flag and exits 2', () => {
    const r = starling([
      'privacy',
      'epsilon',
      '--sample-rate',
      '1.5',
      '--noise-multiplier',
      '1',
      '--steps',
      '10',
      '--delta',
      '1e-5',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--sample-rate must be in \(0, 1\], got 1\.5/);
  });
});
