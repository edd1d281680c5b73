import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ceilSignificant, privacyEpsilon } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { starling, tempDir } from './cli-helpers.js';

// Softmax regression on 2,000 digits with lots of q = 50/2000: 40 DP-SGD steps per round.
const base = [
  'experiments/dpsgd-mnist.yaml',
  '--set',
  'model={kind: softmax}',
  '--set',
  'data.limit=2000',
  '--set',
  'data.testLimit=500',
  '--set',
  'algorithm.batchSize=50',
  '--set',
  'eval.every=1',
];
const env = { STARLING_KERNELS: 'js' };

const metrics = (dir: string) =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('starling run with privacy', () => {
  it('refuses a plan over budget before the first round: exit 2 and the projected epsilon', () => {
    const out = join(tempDir(), 'run');
    const r = starling(
      [
        'run',
        ...base,
        '--set',
        'algorithm.rounds=5',
        '--set',
        'privacy.noiseMultiplier=0.6',
        '--set',
        'privacy.targetEpsilon=1',
        '--out',
        out,
      ],
      env,
    );
    expect(r.code).toBe(2);
    const projected = privacyEpsilon({ sampleRate: 50 / 2000, noiseMultiplier: 0.6, steps: 5 * 40, delta: 1e-5 });
    expect(r.stderr).toContain(`would spend epsilon ${ceilSignificant(projected.epsilon)} > privacy.targetEpsilon 1`);
    expect(() => metrics(out)).toThrow(); // no round ran
  });

  it('reports epsilon in every metrics line, and ends at the epsilon of privacyEpsilon for its (q, sigma, steps)', () => {
    const out = join(tempDir(), 'run');
    const r = starling(
      ['run', ...base, '--set', 'algorithm.rounds=3', '--set', 'privacy.targetEpsilon=2', '--out', out, '--json'],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
    expect(meta.privacy.sampling).toMatch(/^poisson/);
    expect(meta.privacy.noise_source).toMatch(/^seeded/);
    expect(meta.privacy.sample_rate).toBe(0.025);
    const sigma = meta.privacy.noise_multiplier;
    const lines = metrics(out);
    expect(lines).toHaveLength(3);
    lines.forEach((line, round) => {
      const want = privacyEpsilon({ sampleRate: 0.025, noiseMultiplier: sigma, steps: (round + 1) * 40, delta: 1e-5 });
      expect(line.epsilon).toBeCloseTo(want.epsilon, 9);
      expect(line.epsilon).toBeLessThanOrEqual(2);
    });
    const final = privacyEpsilon({ sampleRate: 0.025, noiseMultiplier: sigma, steps: 120, delta: 1e-5 });
    expect(summary.epsilon).toBeCloseTo(final.epsilon, 9);
    expect(summary.epsilon).toBeLessThanOrEqual(2);
    expect(summary.privacy.steps).toBe(120);
    expect(summary.stopped_early).toBeNull();
    expect(summary.test_accuracy).toBeGreaterThan(0.5);
  });

  it('with overBudget: stop, stops before the round that would exceed the budget and says so', () => {
    const out = join(tempDir(), 'run');
    const r = starling(
      [
        'run',
        ...base,
        '--set',
        'algorithm.rounds=20',
        '--set',
        'privacy={mode: dpsgd, delta: 1.0e-5, clipNorm: 1, noiseMultiplier: 1.2, targetEpsilon: 2, overBudget: stop}',
        '--out',
        out,
        '--json',
      ],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.stopped_early).toBe('privacy budget');
    expect(summary.rounds).toBeLessThan(20);
    expect(summary.rounds).toBeGreaterThan(0);
    expect(summary.epsilon).toBeLessThanOrEqual(2);
    for (const line of metrics(out)) expect(line.epsilon).toBeLessThanOrEqual(2);
    const next = privacyEpsilon({
      sampleRate: 0.025,
      noiseMultiplier: 1.2,
      steps: (summary.rounds + 1) * 40,
      delta: 1e-5,
    });
    expect(next.epsilon).toBeGreaterThan(2);
    expect(summary.test_accuracy).not.toBeNull();
  });

  it('rejects privacy options that do not fit the mode with exit 2', () => {
    const r = starling(
      [
        'run',
        ...base,
        '--set',
        'privacy={mode: client, delta: 1.0e-5, clipNorm: 1, noiseMultiplier: 1, sampleRate: 0.1}',
      ],
      env,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('privacy.sampleRate');
    const c = starling(
      ['run', ...base, '--set', 'privacy={mode: client, delta: 1.0e-5, clipNorm: 1, noiseMultiplier: 1}'],
      env,
    );
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('privacy.mode must be "dpsgd" for a centralized run');
  });
});
