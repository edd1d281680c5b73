import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runExperiment } from '@starling/runner';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../cli/cli-helpers.js';

const config = {
  name: 'status-demo',
  seed: 3,
  data: { kind: 'mnist', limit: 2000 },
  model: { kind: 'softmax' },
  loss: { kind: 'softmax_ce' },
  optimizer: { kind: 'sgd', lr: 0.1 },
  algorithm: { kind: 'fedavg', rounds: 50, clients: 10 },
};
const meta = (out: string) => JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));

describe('runExperiment and the run status', () => {
  it('marks a completed run completed, with its last round', async () => {
    const out = join(tempDir(), 'run');
    await runExperiment({ ...config, algorithm: { ...config.algorithm, rounds: 3 } }, { out, kernels: 'js' });
    expect(meta(out)).toMatchObject({ status: 'completed', reason: null, last_completed_round: 2 });
  });

  it('stops at the round boundary after its signal aborts and rejects with code interrupted', async () => {
    const out = join(tempDir(), 'run');
    const stop = new AbortController();
    const seen: number[] = [];
    const run = runExperiment(config, {
      out,
      kernels: 'js',
      signal: stop.signal,
      onRound: (line) => {
        seen.push(line.round);
        if (line.round === 4) stop.abort('SIGINT');
      },
    });
    await expect(run).rejects.toMatchObject({
      code: 'interrupted',
      message: expect.stringMatching(/^interrupted after round 4; checkpoint .*round-000004\.ckpt/),
    });
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(meta(out)).toMatchObject({
      status: 'interrupted',
      reason: expect.stringMatching(/^SIGINT: interrupted after round 4; checkpoint .*round-000004\.ckpt/),
      last_completed_round: 4,
    });
    expect(existsSync(join(out, 'summary.json'))).toBe(false);
  });

  it.each([
    ['', /^--out "" is empty/],
    ['/proc/starling-api', /^--out "\/proc\/starling-api" cannot be created/],
  ])('refuses out %j at once with a usage error naming --out', async (out, message) => {
    await expect(runExperiment(config, { out })).rejects.toMatchObject({
      code: 'usage',
      message: expect.stringMatching(message),
    });
  });
});
