import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Explanation } from '@starling/runner';
import { configBaseDir, explainExperiment, loadConfig, runExperiment } from '@starling/runner';
import { kernelsModeFromEnv } from '@starling/worker';
import { describe, expect, it } from 'vitest';
import { repo, starling, tempDir } from './cli-helpers.js';

const experiments = readdirSync(join(repo, 'experiments'))
  .filter((f) => f.endsWith('.yaml') && !f.endsWith('.sweep.yaml'))
  .sort();

/**
 * Overrides that keep each comparison run short: two rounds, and the 16-process gossip configs in one
 * thread (the same bytes: a separate case below runs one in processes).
 */
function shortRun(file: string): string[] {
  const sets = ['algorithm.rounds=2', ...small(file)];
  if (file.startsWith('dpsgd-') && file.endsWith('-16.yaml')) sets.push('runtime={kind: inline}');
  return sets;
}

/**
 * The CNN configs on 40 bundled digits (one step of B = 50 per round): explain measures kernel calls by training one client
 * round, a full Fashion-MNIST epoch of the 1.66M-parameter CNN (minutes native, hours on the reference
 * convolutions), and the plan's shape does not depend on the data's size.
 */
function small(file: string): string[] {
  return file.startsWith('cnn-') ? ['data={kind: mnist, testFraction: 0.2, limit: 40, testLimit: 20}'] : [];
}

const metrics = (dir: string) =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

function dryRun(args: string[]): Explanation {
  const r = starling(['run', ...args, '--dry-run', '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

/**
 * The shipped-experiment cases run in this process, on the path `starling run` takes (`loadConfig`, then
 * `explainExperiment` or `runExperiment` with the CLI's kernel choice and base folder): three CLI
 * start-ups per experiment were most of this file's time. The CLI's own `--dry-run` and `run` are
 * checked by the cases after them (placement over processes, threads, explain = run --dry-run).
 */
function explainInProcess(path: string, sets: string[]): Explanation {
  const cfg = loadConfig(path, sets);
  const written: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = (chunk: string | Uint8Array) => written.push(String(chunk)) > 0;
  try {
    return explainExperiment(cfg, { kernels: kernelsModeFromEnv() ?? cfg.kernels, baseDir: configBaseDir(path) });
  } finally {
    process.stderr.write = write;
    expect(written.join('')).toBe(''); // the plan is printed with no warning, as `starling run --dry-run` did
  }
}

/** Runs the config as `starling run` does, in this process, and compares the run with the plan `e`. */
async function runAndCompare(e: Explanation, path: string, sets: string[]): Promise<void> {
  const out = join(tempDir(), 'run');
  const cfg = loadConfig(path, sets);
  const kernels = kernelsModeFromEnv() ?? cfg.kernels;
  const summary = await runExperiment(cfg, { out, kernels, baseDir: configBaseDir(path) });
  compare(e, out, JSON.parse(JSON.stringify(summary)));
}

/** The projection against the run: ε per round and at the end, and every round's bytes in both directions. */
function compare(e: Explanation, out: string, summary: Record<string, unknown>): void {
  const lines = metrics(out);
  const perRound = e.traffic.rounds.flatMap((s) => Array.from({ length: s.to - s.from + 1 }, () => s));
  expect(lines).toHaveLength(perRound.length);
  const [up, down] = e.family === 'federated' ? ['payload_bytes_up', 'payload_bytes_down'] : ['bytes_up', 'bytes_down'];
  // Inexact encodings (top-k's varint gaps): each message lies between the smallest and largest payload.
  const slack = e.traffic.links.reduce((s, l) => Math.max(s, l.payload_bytes_max - l.payload_bytes), 0);
  lines.forEach((l, i) => {
    // The plan replays the virtual clock: a client offline at its round's open (systems.availability) is
    // drawn but never sent the model and sends nothing back, in the plan as in the run.
    if (e.traffic.exact) {
      expect([l[up], l[down]]).toEqual([perRound[i].bytes_up, perRound[i].bytes_down]);
    } else {
      for (const [real, low] of [
        [l[up], perRound[i].bytes_up],
        [l[down], perRound[i].bytes_down],
      ]) {
        expect(real).toBeGreaterThanOrEqual(low);
        expect(real).toBeLessThanOrEqual(low + perRound[i].messages * slack);
      }
    }
    expect(l.epsilon).toBe(e.privacy ? e.privacy.epsilon_per_round[i] : null);
  });
  expect(summary.epsilon).toBe(e.privacy ? e.privacy.projected_epsilon : null);
  if (e.traffic.exact && e.family === 'federated') {
    expect([summary.payload_bytes_up, summary.payload_bytes_down]).toEqual([
      e.traffic.total.bytes_up,
      e.traffic.total.bytes_down,
    ]);
  }
  if (e.traffic.exact && e.family === 'gossip') {
    expect([summary.bytes_up, summary.bytes_down]).toEqual([e.traffic.total.bytes_up, e.traffic.total.bytes_down]);
  }
}

describe('starling run --dry-run (starling explain)', () => {
  it.each(experiments)('%s: the plan, then a 2-round run spends the projected epsilon and bytes', async (file) => {
    const config = join(repo, 'experiments', file);
    const full = explainInProcess(config, small(file));
    expect(full.name).toBe(file.replace('.yaml', ''));
    const e = explainInProcess(config, shortRun(file));
    expect(e.rounds).toBe(2);
    await runAndCompare(e, config, shortRun(file));
  });

  it('dpsgd-ring-16 on 2 host processes: the placement, and the gossip bytes the sockets counted', () => {
    const args = ['experiments/dpsgd-ring-16.yaml', '--set', 'algorithm.rounds=2', '--set', 'runtime.workers=2'];
    const e = dryRun(args);
    expect(e.placement.hosts).toEqual([
      { host: 'host-0', nodes: '0-7', count: 8 },
      { host: 'host-1', nodes: '8-15', count: 8 },
    ]);
    expect(e.topology?.lambda2).toBeCloseTo(0.949253, 6);
    const out = join(tempDir(), 'run');
    const r = starling(['run', ...args, '--out', out, '--json', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    compare(e, out, JSON.parse(r.stdout));
    const hosts = JSON.parse(readFileSync(join(out, 'links.json'), 'utf8'));
    expect(JSON.stringify(hosts)).toContain('host-1');
  });

  it('federated over threads: the model goes down once per host, compressed updates come up', () => {
    // Through the CLI: the threads pool loads train-block.js beside its module, which only dist/ has.
    const args = [
      'experiments/fedavg-mnist-iid.yaml',
      ...['--set', 'algorithm.rounds=2', '--set', 'runtime={kind: threads}'],
      ...['--set', 'compression.up={kind: qsgd, levels: 4}'],
    ];
    const e = dryRun(args);
    expect(e.traffic.rounds[0].bytes_down).toBe(4 * e.params); // one host carries every client
    const out = join(tempDir(), 'run');
    const r = starling(['run', ...args, '--out', out, '--json', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    compare(e, out, JSON.parse(r.stdout));
  });

  it('writes no run folder, and explain prints the same plan as run --dry-run', () => {
    const out = join(tempDir(), 'never');
    const dry = starling(['run', 'experiments/quickstart.yaml', '--dry-run', '--json', '--out', out]);
    const explain = starling(['explain', 'experiments/quickstart.yaml', '--json']);
    expect(dry.code).toBe(0);
    expect(existsSync(out)).toBe(false);
    const strip = (s: string) => {
      const e = JSON.parse(s);
      delete e.memory.available_mb; // free memory moves between the two calls
      delete e.memory.fits;
      return e;
    };
    expect(strip(explain.stdout)).toEqual(strip(dry.stdout));
    const text = starling(['explain', 'experiments/dp-fedavg.yaml']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/examples per client: min 8, median 8, max 8/);
    expect(text.stdout).toMatch(/epsilon at the end: 3 \(target 3\)/);
    // One step per client round: the fused last step (sgdDelta) writes Δ and scans it, so neither
    // optimizerStep nor sub is called (7 calls before session 10).
    expect(text.stdout).toMatch(/kernel calls:\n {2}6 per client round/);
    expect(text.stdout).toMatch(/gemm 2, biasActivation 1, columnSums 1, sgdDelta 1, softmaxCrossEntropy 1/);
  });

  it('a bad --set is blamed on the flag, exit 2', () => {
    const r = starling(['explain', 'experiments/quickstart.yaml', '--set', 'algorithm.rounds=abc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--set algorithm\.rounds=abc/);
  });
});
