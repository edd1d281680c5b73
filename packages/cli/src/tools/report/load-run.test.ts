import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StarlingError } from '@starling/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRun, nameRuns, parseMetrics, tornLastLine } from './load-run.js';
import { runHeader } from './run-header.js';
import { points, xValues } from './series.js';

const repo = fileURLToPath(new URL('../../../../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'starling-report-load-'));

/** Runs a short fedavg experiment through the CLI (inline, 10 clients) and returns its folder and exit code. */
function run(name: string, sets: string[]): { out: string; code: number | null } {
  const out = join(dir, name);
  const args = ['run', 'experiments/fedavg-mnist-iid.yaml', '--out', out, '--quiet', '--json'];
  const all = ['algorithm.clients=10', 'algorithm.rounds=3', 'eval.every=1', ...sets];
  const r = spawnSync(
    process.execPath,
    [join(repo, 'packages/cli/bin/starling.js'), ...args, ...all.flatMap((s) => ['--set', s])],
    {
      cwd: repo,
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  return { out, code: r.status };
}

const usage = (f: () => unknown): StarlingError => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(StarlingError);
    expect((err as StarlingError).code).toBe('usage');
    return err as StarlingError;
  }
  throw new Error('expected a usage error');
};

let done = '';
let failed = '';
beforeAll(() => {
  const a = run('done', []);
  expect(a.code).toBe(0);
  done = a.out;
  // lr 1e38 goes non-finite at once: three rounds aggregate nothing and the run fails (exit 1, no summary.json)
  const b = run('failed', ['algorithm.rounds=6', 'optimizer.lr=1e38']);
  expect(b.code).toBe(1);
  failed = b.out;
}, 120_000);

describe('loadRun on real run folders', () => {
  it('reads a completed run: one metrics line per round, summary, meta, config, partition', () => {
    const r = loadRun(done);
    expect(r.name).toBe('done');
    expect(r.metrics.map((m) => m.round)).toEqual([0, 1, 2]);
    expect(r.summary?.rounds).toBe(3);
    expect(r.meta?.status).toBe('completed');
    expect(r.config?.algorithm).toMatchObject({ clients: 10 });
    expect(r.partition?.clients).toHaveLength(10);
    const text = readFileSync(join(done, 'metrics.jsonl'), 'utf8').trim().split('\n');
    expect(r.metrics).toEqual(text.map((l) => JSON.parse(l)));
  });

  it('cumulative bytes end at the summary total (bytes_up + bytes_down over the run)', () => {
    const r = loadRun(done);
    const total = Number(r.summary?.bytes_up) + Number(r.summary?.bytes_down);
    expect(total).toBeGreaterThan(0);
    const xs = xValues(r.metrics, 'bytes');
    expect(xs.at(-1)).toBe(total);
    expect(xs[0]).toBe(Number(r.metrics[0].bytes_up) + Number(r.metrics[0].bytes_down));
    const acc = points(r.metrics, 'bytes', 'test_accuracy');
    expect(acc.map((p) => p[1])).toEqual(r.metrics.map((m) => m.test_accuracy));
  });

  it('the header of a completed run takes accuracy, seed, rounds and the model hash from its files', () => {
    const h = runHeader(loadRun(done));
    const summary = JSON.parse(readFileSync(join(done, 'summary.json'), 'utf8'));
    expect(h).toMatchObject({ status: 'completed', seed: 1, rounds: 3, plannedRounds: 3, incomplete: null });
    expect(h.accuracy).toBe(summary.test_accuracy);
    expect(h.accuracyFrom).toBe('summary');
    expect(h.modelSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(h.modelSha256).toBe(summary.model_sha256);
  });

  it('reads a failed run (no summary.json, no links.json): the header says so and what was plotted', () => {
    const r = loadRun(failed);
    expect(r.summary).toBeNull();
    expect(r.links).toBeNull();
    expect(r.metrics.length).toBe(3);
    const h = runHeader(r);
    expect(h.status).toBe('failed');
    expect(h.rounds).toBe(3);
    expect(h.plannedRounds).toBe(6);
    expect(h.modelSha256).toBeNull();
    expect(h.incomplete).toMatch(/^no summary\.json \(status failed: run stopped: 3 consecutive rounds/);
    expect(h.incomplete).toMatch(/plotted from the 3 metrics lines$/);
  });
});

describe('loadRun refusals (usage errors naming the file)', () => {
  it('a folder that does not exist', () => {
    expect(usage(() => loadRun(join(dir, 'absent'))).message).toBe(`run folder ${join(dir, 'absent')} does not exist`);
  });

  it('a folder without metrics.jsonl', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect(usage(() => loadRun(empty)).message).toContain(`${join(empty, 'metrics.jsonl')} not found`);
  });

  it('a malformed metrics line, named by file and line number', () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    const lines = readFileSync(join(done, 'metrics.jsonl'), 'utf8').split('\n');
    lines[1] = lines[1].slice(0, 40);
    writeFileSync(join(bad, 'metrics.jsonl'), lines.join('\n'));
    copyFileSync(join(done, 'meta.json'), join(bad, 'meta.json'));
    expect(usage(() => loadRun(bad)).message).toMatch(
      new RegExp(`^${join(bad, 'metrics.jsonl')}:2: malformed metrics line`),
    );
  });

  it('a torn last line (killed while appending) is left out and named in the header; a torn middle line is refused', () => {
    const killed = join(dir, 'killed');
    mkdirSync(killed);
    const lines = readFileSync(join(done, 'metrics.jsonl'), 'utf8').trim().split('\n');
    writeFileSync(join(killed, 'metrics.jsonl'), `${lines[0]}\n${lines[1]}\n${lines[2].slice(0, 20)}`);
    copyFileSync(join(done, 'meta.json'), join(killed, 'meta.json'));
    const run = loadRun(killed);
    expect(run.metrics).toHaveLength(2);
    expect(run.tornLine).toBe(3);
    expect(runHeader(run).incomplete).toMatch(/metrics\.jsonl line 3 was torn .* left out$/);
    expect(tornLastLine(`${lines[0]}\n${lines[1]}`)).toBeNull();
    expect(tornLastLine(`${lines[0]}\n`)).toBeNull();
  });

  it('a line that is JSON but not an object, and a malformed meta.json', () => {
    expect(usage(() => parseMetrics('m.jsonl', '{"round":0}\n\n[1,2]\n')).message).toBe(
      'm.jsonl:3: a metrics line must be a JSON object',
    );
    const torn = join(dir, 'torn-meta');
    mkdirSync(torn);
    writeFileSync(join(torn, 'metrics.jsonl'), '');
    writeFileSync(join(torn, 'meta.json'), '{"status": ');
    expect(usage(() => loadRun(torn)).message).toMatch(/meta\.json: not valid JSON/);
  });
});

describe('nameRuns', () => {
  it('names runs by folder, and by as many trailing parts as make them unique', () => {
    const r = loadRun(done);
    const named = nameRuns([
      { ...r, dir: '/s/lr=0.1/seed-1' },
      { ...r, dir: '/s/lr=0.2/seed-1' },
      { ...r, dir: '/t/other' },
    ]);
    expect(named.map((x) => x.name)).toEqual(['lr=0.1/seed-1', 'lr=0.2/seed-1', 'other']);
    expect(nameRuns([r, r]).map((x) => x.name)).toEqual(['done', 'done (2)']);
  });
});
