import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';
import { smallFedAvg } from './e2e-helpers.js';

const modes = [
  [
    'DP-SGD in every client',
    'privacy={mode: dpsgd, delta: 1.0e-5, clipNorm: 1, noiseMultiplier: 1.1, sampleRate: 0.1}',
  ],
  ['client-level DP with central noise', 'privacy={mode: client, delta: 1.0e-5, clipNorm: 0.5, noiseMultiplier: 0.8}'],
  ['local DP', 'privacy={mode: local, delta: 1.0e-5, clipNorm: 0.5, noiseMultiplier: 0.05}'],
] as const;

describe.each(modes)('%s', (_name, privacy) => {
  it('ends on the same model (bit for bit) and epsilon inline, over threads and over 2 worker processes', () => {
    const runtimes = [
      'runtime={kind: inline}',
      'runtime={kind: threads, transport: tcp}',
      'runtime={kind: processes, workers: 2}',
    ];
    const [inline, threads, processes] = runtimes.map((runtime) => {
      const out = join(tempDir(), 'run');
      const args = ['run', ...smallFedAvg, '--set', 'algorithm.rounds=2', '--set', privacy, '--set', runtime];
      const r = starling([...args, '--out', out, '--json'], { STARLING_KERNELS: 'js' });
      expect(r.code, r.stderr).toBe(0);
      const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      return { summary: JSON.parse(r.stdout), lines };
    });
    expect(threads.summary.model_sha256).toBe(inline.summary.model_sha256);
    expect(processes.summary.model_sha256).toBe(inline.summary.model_sha256);
    expect(threads.summary.epsilon).toBe(inline.summary.epsilon);
    expect(processes.summary.epsilon).toBe(inline.summary.epsilon);
    expect(inline.summary.epsilon).toBeGreaterThan(0);
    expect(threads.lines.map((l) => l.epsilon)).toEqual(inline.lines.map((l) => l.epsilon));
    expect(threads.lines.map((l) => l.participants)).toEqual(inline.lines.map((l) => l.participants));
  });
});
