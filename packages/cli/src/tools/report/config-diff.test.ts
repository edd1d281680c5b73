import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { configDiff, flattenConfig } from './config-diff.js';

describe('flattenConfig', () => {
  it('flattens objects by dotted path and arrays by index; empty containers and null are leaves', () => {
    const flat = flattenConfig({ a: { b: 1, c: [2, { d: 'x' }] }, e: null, f: {}, g: [] });
    expect([...flat]).toEqual([
      ['a.b', '1'],
      ['a.c[0]', '2'],
      ['a.c[1].d', '"x"'],
      ['e', 'null'],
      ['f', '{}'],
      ['g', '[]'],
    ]);
  });
});

describe('configDiff', () => {
  it('keeps only keys that differ, absent keys included, sorted; a missing config takes no part', () => {
    const rows = configDiff([{ a: 1, b: { c: 2 }, same: 's' }, { a: 1, b: { c: 3 }, d: true, same: 's' }, null]);
    expect(rows).toEqual([
      { key: 'b.c', values: ['2', '3', null] },
      { key: 'd', values: [null, 'true', null] },
    ]);
  });

  it('no rows for one config or identical ones', () => {
    expect(configDiff([{ a: 1 }])).toEqual([]);
    expect(configDiff([{ a: [1, 2] }, { a: [1, 2] }, null])).toEqual([]);
  });
});

describe('configDiff on real config.resolved.json files', () => {
  const repo = fileURLToPath(new URL('../../../../..', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'starling-report-diff-'));
  const configs: unknown[] = [];
  beforeAll(() => {
    const variants = [
      ['optimizer.lr=0.1', 'algorithm.rounds=2'],
      ['optimizer.lr=0.05', 'algorithm.rounds=1'],
    ];
    variants.forEach((sets, i) => {
      const out = join(dir, `run-${i}`);
      const args = ['run', 'experiments/quickstart.yaml', '--out', out, '--quiet', '--json', '--seed', String(i + 1)];
      const r = spawnSync(
        process.execPath,
        [join(repo, 'packages/cli/bin/starling.js'), ...args, ...sets.flatMap((s) => ['--set', s])],
        { cwd: repo, encoding: 'utf8', timeout: 120_000 },
      );
      expect(r.status, r.stderr).toBe(0);
      configs.push(JSON.parse(readFileSync(join(out, 'config.resolved.json'), 'utf8')));
    });
  }, 120_000);

  it('two runs of one experiment differ exactly in the keys that were set', () => {
    expect(configDiff(configs)).toEqual([
      { key: 'algorithm.rounds', values: ['2', '1'] },
      { key: 'optimizer.lr', values: ['0.1', '0.05'] },
      { key: 'seed', values: ['1', '2'] },
    ]);
  });
});
