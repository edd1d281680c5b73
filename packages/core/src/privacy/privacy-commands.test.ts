import { describe, expect, it } from 'vitest';
import { formatPrivacyReport, privacyEpsilon, privacySigma } from './privacy-commands.js';

describe('starling privacy epsilon (logic)', () => {
  it("prints Opacus' known answer with every field the --json output promises", () => {
    const report = privacyEpsilon({ sampleRate: 0.04, noiseMultiplier: 1.5, steps: 2250, delta: 1e-5 });
    expect(Math.abs(report.epsilon - 7.32911117143) / 7.32911117143).toBeLessThan(1e-6);
    expect(report).toMatchObject({
      order: 3.9,
      delta: 1e-5,
      sampleRate: 0.04,
      noiseMultiplier: 1.5,
      steps: 2250,
      sampling: 'poisson',
      conversion: 'improved',
    });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('validates each flag with a message that names it', () => {
    const ok = { sampleRate: 0.01, noiseMultiplier: 1, steps: 100, delta: 1e-5 };
    expect(() => privacyEpsilon({ ...ok, sampleRate: 1.5 })).toThrow('--sample-rate must be in (0, 1], got 1.5');
    expect(() => privacyEpsilon({ ...ok, sampleRate: Number.NaN })).toThrow('--sample-rate must be in (0, 1], got NaN');
    expect(() => privacyEpsilon({ ...ok, noiseMultiplier: 0 })).toThrow(
      '--noise-multiplier must be a finite number > 0',
    );
    expect(() => privacyEpsilon({ ...ok, steps: 2.5 })).toThrow('--steps must be a non-negative integer, got 2.5');
    expect(() => privacyEpsilon({ ...ok, delta: 0 })).toThrow('--delta must be in (0, 1), got 0');
    try {
      privacyEpsilon({ ...ok, delta: 2 });
    } catch (err) {
      expect(err).toMatchObject({ code: 'config', path: '--delta' });
    }
  });

  it('reports zero epsilon for zero steps', () => {
    expect(privacyEpsilon({ sampleRate: 0.5, noiseMultiplier: 1, steps: 0, delta: 1e-5 })).toMatchObject({
      epsilon: 0,
      order: null,
    });
  });
});

describe('starling privacy sigma (logic)', () => {
  it('returns the calibrated noise multiplier and the epsilon it reaches', () => {
    const report = privacySigma({ targetEpsilon: 7.32911117143, sampleRate: 0.04, steps: 2250, delta: 1e-5 });
    expect(report.noiseMultiplier).toBeCloseTo(1.5, 6);
    expect(report.epsilon).toBeLessThanOrEqual(7.32911117143);
    expect(report).toMatchObject({ order: 3.9, targetEpsilon: 7.32911117143, sampling: 'poisson', steps: 2250 });
  });

  it('explains a target below what the accountant can certify, naming the flag', () => {
    expect(() => privacySigma({ targetEpsilon: 0.05, sampleRate: 0.01, steps: 10, delta: 1e-5 })).toThrow(
      /--target-epsilon must be above 0\.10\d*, the smallest epsilon the RDP accountant can certify/,
    );
    expect(() => privacySigma({ targetEpsilon: 1, sampleRate: 0.01, steps: 0, delta: 1e-5 })).toThrow(
      '--steps must be a positive integer, got 0',
    );
  });

  it('formats a readable report stating the sampling assumption', () => {
    const text = formatPrivacyReport(privacySigma({ targetEpsilon: 2, sampleRate: 0.1, steps: 100, delta: 1e-5 }));
    // ε = 1.9999999998… is printed rounded up, as a bound must be.
    expect(text).toMatch(/^epsilon {10}2\.00000 \(delta 0\.00001, best order 9\.4\)/);
    const spent = privacyEpsilon({ sampleRate: 0.04, noiseMultiplier: 1.5, steps: 2250, delta: 1e-5 });
    expect(formatPrivacyReport(spent)).toMatch(/^epsilon {10}7\.32912 /);
    expect(text).toContain('target epsilon   2');
    expect(text).toContain('Poisson sampling assumed');
  });
});
