import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repo, starling, tempDir } from '../cli/cli-helpers.js';

// The README's example, as a user's project would run it: its own folder and package.json, the
// package reached through node_modules (a link, as `npm install <path>` makes), plain `node`.
const script = `import { runExperiment } from '@starling/runner';
const config = { name: 'api-demo', seed: 3, data: { kind: 'mnist', limit: 2000 }, model: { kind: 'softmax' },
  loss: { kind: 'softmax_ce' }, optimizer: { kind: 'sgd', lr: 0.1 }, algorithm: { kind: 'fedavg', rounds: 3, clients: 10 } };
const seen = [];
const summary = await runExperiment(config, { out: 'run', kernels: 'js', onRound: (m) => seen.push(m.round) });
console.log(JSON.stringify({ summary, seen }));
`;

function userProject(): string {
  const dir = tempDir('starling-user-');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'user-project', type: 'module', private: true }));
  mkdirSync(join(dir, 'node_modules', '@starling'), { recursive: true });
  symlinkSync(join(repo, 'packages', 'runner'), join(dir, 'node_modules', '@starling', 'runner'), 'dir');
  writeFileSync(join(dir, 'train.mjs'), script);
  return dir;
}

describe('the programmatic API', () => {
  it('runs an experiment from another project, streams each round and matches `starling run` bit for bit', () => {
    const dir = userProject();
    const r = spawnSync(process.execPath, ['train.mjs'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const { summary, seen } = JSON.parse(r.stdout);
    expect(seen).toEqual([0, 1, 2]);
    expect(summary).toMatchObject({ name: 'api-demo', rounds: 3, backend: 'js', runtime: 'inline' });
    expect(summary.test_accuracy).toBeGreaterThan(0.6);
    const model = readFileSync(join(dir, 'run', 'model.bin'));
    expect(summary.model_sha256).toBe(createHash('sha256').update(model).digest('hex'));
    expect(
      readFileSync(join(dir, 'run', 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(3);

    // The same config through the CLI ends on the same bits: both take one path.
    const config = join(dir, 'same.json');
    const cfg = JSON.parse(readFileSync(join(dir, 'run', 'config.resolved.json'), 'utf8'));
    writeFileSync(config, JSON.stringify(cfg));
    const cli = starling(['run', config, '--kernels', 'js', '--json', '--out', join(dir, 'cli-run')]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout).model_sha256).toBe(summary.model_sha256);
  }, 240_000);

  it('refuses a bad config with a config error naming the path, before writing anything', async () => {
    const { runExperiment } = await import('@starling/runner');
    const out = join(tempDir(), 'never');
    await expect(
      runExperiment(
        {
          name: 'bad',
          data: { kind: 'mnist' },
          model: { kind: 'softmax' },
          loss: { kind: 'softmax_ce' },
          optimizer: { kind: 'sgd', lr: -1 },
          algorithm: { kind: 'fedavg', rounds: 1, clients: 2 },
        },
        { out },
      ),
    ).rejects.toThrow(/optimizer\.lr/);
    expect(() => readFileSync(join(out, 'meta.json'))).toThrow();
  });
});
