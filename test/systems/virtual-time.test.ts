// Systems heterogeneity end to end: a 3-client run whose virtual time is computed by hand from a trace,
// determinism under a seed, and over-commitment with a deadline over real sockets (threads and processes)
// ending on the inline run's bits with the same late counts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runExperiment } from '@starling/runner';
import { describe, expect, it } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';
import { metrics } from '../e2e/e2e-helpers.js';

const base = {
  seed: 4,
  data: { kind: 'mnist', limit: 1500, testFraction: 0.2 },
  model: { kind: 'mlp', hidden: [8] },
  loss: { kind: 'softmax_ce' },
  optimizer: { kind: 'sgd', lr: 0.05 },
  kernels: 'js',
};

// One FedSGD step per round per client, timed per step, so the hand computation needs no partition sizes.
const TRACE = [
  'client,secondsPerStep,uplinkBps,downlinkBps,latencyS',
  '0,0.5,1e6,2e6,0.1',
  '1,0.2,5e5,1e6,0.2',
  '2,1.5,1e7,1e7,0',
].join('\n');

describe('virtual time of a run', () => {
  it('equals the hand-computed value on a 3-client trace (download + compute + upload, slowest client)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'trace.csv'), TRACE);
    const out = join(dir, 'run');
    const cfg = {
      name: 'sys-hand',
      ...base,
      algorithm: { kind: 'fedsgd', rounds: 2, clients: 3, fraction: 1 },
      systems: { compute: { per: 'step', seconds: 1 }, trace: { file: 'trace.csv' } },
    };
    const s = await runExperiment(cfg, { out, baseDir: dir, logLevel: 'silent' });
    // The 784-8-10 MLP: 784·8 + 8 + 8·10 + 10 = 6,370 float32 = 25,480 bytes = 203,840 bits each way.
    const bits = 8 * 4 * 6370;
    const t = [
      0.1 + bits / 2e6 + 0.5 + 0.1 + bits / 1e6, // 1.00576
      0.2 + bits / 1e6 + 0.2 + 0.2 + bits / 5e5, // 1.21152
      0 + bits / 1e7 + 1.5 + 0 + bits / 1e7, // 1.540768
    ];
    expect(s.virtual_time_s).toBeCloseTo(2 * Math.max(...t), 9);
    const lines = metrics(out);
    expect(lines.map((l) => l.virtual_time_s)).toEqual([1.540768, 3.081536]);
    expect(lines[0]).toMatchObject({ late: 0, dropped: 0, round_time_s: 1.540768 });
    expect(lines[0].client_time_s).toEqual({ median: 1.21152, max: 1.540768 });
  }, 60_000);

  it('a run without systems: writes no virtual time', async () => {
    const out = join(tempDir(), 'plain');
    const cfg = { name: 'sys-none', ...base, algorithm: { kind: 'fedsgd', rounds: 1, clients: 3, fraction: 1 } };
    const s = await runExperiment(cfg, { out, logLevel: 'silent' });
    expect(s.virtual_time_s).toBeUndefined();
    expect(metrics(out)[0]).not.toHaveProperty('virtual_time_s');
    expect(metrics(out)[0]).not.toHaveProperty('late');
  }, 60_000);

  it('a bad trace file fails before the run with exit code 2 naming the file and line', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.csv'), 'client,uplinkBps\n0,1e6\n1,fast\n');
    const config = join(dir, 'bad.yaml');
    writeFileSync(
      config,
      [
        'name: sys-bad-trace',
        'data: { kind: mnist, limit: 500 }',
        'model: { kind: mlp, hidden: [8] }',
        'loss: { kind: softmax_ce }',
        'optimizer: { kind: sgd, lr: 0.05 }',
        'algorithm: { kind: fedsgd, rounds: 1, clients: 2 }',
        'systems: { compute: { seconds: 0.001 }, trace: { file: bad.csv } }',
      ].join('\n'),
    );
    const r = starling(['run', config, '--out', join(dir, 'out'), '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.csv line 3: uplinkBps must be a finite number > 0, got "fast"/);
  }, 60_000);
});

// 40 clients with heavy-tailed speeds, Dirichlet data, tiered local epochs, on/off availability, 8 drawn per
// round with over-commit 0.5 (12 drawn, the first 8 in virtual time count) and a deadline.
const straggly = {
  ...base,
  algorithm: {
    kind: 'fedavg',
    rounds: 4,
    clients: 40,
    clientsPerRound: 8,
    overCommit: 0.5,
    batchSize: 10,
    partition: { kind: 'dirichlet', alpha: 0.3 },
  },
  systems: {
    compute: { per: 'example', seconds: { kind: 'pareto', scale: 0.002, shape: 1.2 } },
    network: { uplinkBps: { kind: 'lognormal', median: 2e6, sigma: 1 }, downlinkBps: 1e7, latencyS: 0.05 },
    availability: { kind: 'onOff', meanOnS: 20, meanOffS: 5 },
    localWork: {
      kind: 'epochs',
      epochs: {
        kind: 'tiers',
        tiers: [
          { value: 1, p: 0.5 },
          { value: 2, p: 0.5 },
        ],
      },
    },
    deadlineS: 1.5,
  },
};

/** The stateful straggly run's outcome inline, made once for both socket runtimes (a run is deterministic). */
let inlineOnce: { summary: Record<string, unknown>; lines: unknown[][] } | null = null;

async function stragglyRun(name: string, extra: Record<string, unknown> = {}) {
  const out = join(tempDir(), name);
  const s = await runExperiment({ name, ...straggly, ...extra }, { out, logLevel: 'silent' });
  const lines = metrics(out).map((l) => ({
    virtual: l.virtual_time_s,
    late: l.late,
    dropped: l.dropped,
    participants: l.participants,
  }));
  return { s, lines, out };
}

describe('synchronous stragglers', () => {
  it('the same seed gives the same bits and virtual time, another seed differs', async () => {
    const a = await stragglyRun('sys-det-a');
    const b = await stragglyRun('sys-det-b');
    expect(b.s.model_sha256).toBe(a.s.model_sha256);
    expect(b.lines).toEqual(a.lines);
    const c = await stragglyRun('sys-det-c', { seed: 5 });
    expect(c.s.model_sha256).not.toBe(a.s.model_sha256);
    expect(c.s.virtual_time_s).not.toBe(a.s.virtual_time_s);
    // Over-commit and the deadline did bite: some updates were late, some clients offline, none above K.
    const late = a.lines.reduce((n, l) => n + (l.late as number), 0);
    const dropped = a.lines.reduce((n, l) => n + (l.dropped as number), 0);
    expect(late).toBeGreaterThan(0);
    expect(dropped).toBeGreaterThan(0);
    for (const l of a.lines) expect(l.participants).toBeLessThanOrEqual(8);
    const status = JSON.parse(readFileSync(join(a.out, 'summary.json'), 'utf8'));
    expect(status.virtual_time_s).toBe(a.s.virtual_time_s);
  }, 120_000);

  it.each([
    ['threads', '{kind: threads}'],
    ['processes', '{kind: processes, workers: 2}'],
  ])(
    'over real sockets (%s): the round closes on the same first K, late results are counted, same bits as inline',
    (name, runtime) => {
      // The socket runtimes spawn hosts from the built CLI (as every e2e test over sockets does).
      const dir = tempDir();
      const config = join(dir, 'straggly.json');
      writeFileSync(config, JSON.stringify({ name: `sys-${name}`, ...straggly }));
      // Stateful nodes (momentum, error feedback) and variable-size top-k payloads: a straggler's state after
      // its late round is what it trains its next round from, and its upload time follows its bytes.
      const stateful = [
        'optimizer={kind: momentum, lr: 0.05}',
        'compression.up={kind: topk, ratio: 0.1, errorFeedback: true}',
      ];
      const run = (extra: string[], out: string) => {
        const sets = [...stateful, ...extra].flatMap((v) => ['--set', v]);
        const r = starling(['run', config, '--out', join(dir, out), '--json', ...sets]);
        expect(r.code, r.stderr).toBe(0);
        const lines = metrics(join(dir, out)).map((l) => [l.virtual_time_s, l.late, l.dropped, l.participants]);
        return { summary: JSON.parse(r.stdout) as Record<string, unknown>, lines };
      };
      inlineOnce ??= run([], 'inline');
      const inline = inlineOnce;
      const sockets = run([`runtime=${runtime}`], name);
      expect(sockets.summary.rounds).toBe(4);
      expect(sockets.summary.model_sha256).toBe(inline.summary.model_sha256);
      expect(sockets.summary.virtual_time_s).toBe(inline.summary.virtual_time_s);
      expect(sockets.lines).toEqual(inline.lines);
      // Late updates that reached the server after their round closed were refused and counted, not applied.
      expect(inline.lines.some((l) => (l[1] as number) > 0)).toBe(true);
    },
    180_000,
  );
});
