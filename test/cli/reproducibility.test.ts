import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { starling, tempDir } from './cli-helpers.js';

const withoutTiming = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const { time_s: _t, ...rest } = JSON.parse(line);
      return JSON.stringify(rest);
    });

describe('same config and seed, same result', () => {
  it('gives identical metrics (minus timing) and the same model hash for a federated run', () => {
    const args = [
      'experiments/fedavg-mnist-shards.yaml',
      '--set',
      'algorithm.rounds=3',
      '--set',
      'algorithm.clients=20',
      '--set',
      'model.hidden=[32]',
      '--set',
      'data.limit=2000',
      '--json',
    ];
    const [a, b] = [tempDir(), tempDir()];
    const ra = starling(['run', ...args, '--out', join(a, 'run')], { STARLING_KERNELS: 'js' });
    const rb = starling(['run', ...args, '--out', join(b, 'run')], { STARLING_KERNELS: 'js' });
    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stderr).toBe(0);
    const sa = JSON.parse(ra.stdout);
    const sb = JSON.parse(rb.stdout);
    expect(sa.model_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(sb.model_sha256).toBe(sa.model_sha256);
    expect(withoutTiming(join(b, 'run/metrics.jsonl'))).toEqual(withoutTiming(join(a, 'run/metrics.jsonl')));
    expect(withoutTiming(join(a, 'run/metrics.jsonl'))).toHaveLength(3);

    // A different seed must change the result, or the comparison above proves nothing.
    const c = tempDir();
    const rc = starling(['run', ...args, '--seed', '2', '--out', join(c, 'run')], { STARLING_KERNELS: 'js' });
    expect(JSON.parse(rc.stdout).model_sha256).not.toBe(sa.model_sha256);
  });

  it('writes every artifact of the run contract', () => {
    const out = join(tempDir(), 'run');
    const r = starling(['run', 'experiments/quickstart.yaml', '--set', 'algorithm.rounds=1', '--out', out, '--quiet'], {
      STARLING_KERNELS: 'js',
    });
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    for (const key of [
      'test_accuracy',
      'test_loss',
      'rounds',
      'bytes_up',
      'bytes_down',
      'epsilon',
      'wall_s',
      'backend',
      'runtime',
      'model_sha256',
    ]) {
      expect(summary).toHaveProperty(key);
    }
    const line = JSON.parse(readFileSync(join(out, 'metrics.jsonl'), 'utf8').split('\n')[0]);
    for (const key of [
      'round',
      'time_s',
      'train_loss',
      'test_loss',
      'test_accuracy',
      'bytes_up',
      'bytes_down',
      'epsilon',
    ]) {
      expect(line).toHaveProperty(key);
    }
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
    expect(meta).toMatchObject({ seed: 1, backend: 'js', runtime: 'inline' });
    for (const f of ['config.resolved.json', 'model.bin', 'model.layout.json', 'partition.json', 'run.log']) {
      expect(() => readFileSync(join(out, f))).not.toThrow();
    }
    expect(readFileSync(join(out, 'model.bin')).length).toBe(4 * (784 * 10 + 10));
  });
});
