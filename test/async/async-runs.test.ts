// Asynchronous FL end to end (inline event simulation on the virtual clock): reproducibility under a seed,
// FedBuff in its synchronous limit equal to FedAvg bit for bit, and the refusals (no systems: inline,
// emulated delays over sockets).
import { join } from 'node:path';
import { runExperiment } from '@starling/runner';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../cli/cli-helpers.js';
import { metrics } from '../e2e/e2e-helpers.js';

const base = {
  data: { kind: 'mnist', limit: 1200, testFraction: 0.2 },
  model: { kind: 'mlp', hidden: [8] },
  loss: { kind: 'softmax_ce' },
  optimizer: { kind: 'sgd', lr: 0.05 },
  kernels: 'js',
};

// Heavy-tailed compute times and lognormal links: arrivals interleave and updates go stale.
const hetero = {
  compute: { per: 'example', seconds: { kind: 'pareto', scale: 0.001, shape: 1.5 } },
  network: { uplinkBps: { kind: 'lognormal', median: 1e6, sigma: 0.5 }, downlinkBps: 4e6, latencyS: 0.05 },
};

const fedbuff = { kind: 'fedbuff', rounds: 6, clients: 20, concurrency: 8, bufferSize: 4, batchSize: 20 };
const fedasync = { kind: 'fedasync', rounds: 10, clients: 20, concurrency: 5, alpha: 0.5, batchSize: 20 };

async function run(name: string, algorithm: object, seed: number, systems: object = hetero) {
  const out = join(tempDir(), name);
  const s = await runExperiment({ name, seed, ...base, algorithm, systems }, { out, logLevel: 'silent' });
  return { s, lines: metrics(out) };
}

describe.each([
  ['fedbuff', fedbuff],
  ['fedasync', fedasync],
])('%s inline', (kind, algorithm) => {
  it('two runs with the same seed end on the same bits and virtual times; another seed changes both', async () => {
    const a = await run(`${kind}-a`, algorithm, 3);
    const b = await run(`${kind}-b`, algorithm, 3);
    const c = await run(`${kind}-c`, algorithm, 4);
    expect(b.s.model_sha256).toBe(a.s.model_sha256);
    expect(b.lines.map((l) => l.virtual_time_s)).toEqual(a.lines.map((l) => l.virtual_time_s));
    expect(b.lines.map((l) => l.staleness)).toEqual(a.lines.map((l) => l.staleness));
    expect(c.s.model_sha256).not.toBe(a.s.model_sha256);
    expect(c.s.virtual_time_s).not.toBe(a.s.virtual_time_s);
    expect(a.lines).toHaveLength(algorithm.rounds);
    expect(a.s.virtual_time_s).toBe(a.lines.at(-1)?.virtual_time_s);
    // Virtual time only moves forward, and with more clients in flight than needed per update some go stale.
    const times = a.lines.map((l) => l.virtual_time_s as number);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1])).toBe(true);
    expect(Math.max(...a.lines.map((l) => (l.staleness as { max: number }).max))).toBeGreaterThan(0);
  }, 120_000);
});

describe('fedbuff in its synchronous limit', () => {
  it('with concurrency = K = every client and equal speeds, has staleness 0 and ends on FedAvg bits', async () => {
    // 960 training examples over 8 iid clients: 120 each, so equal per-example speeds finish together.
    const systems = { compute: { per: 'example', seconds: 0.01 } };
    const common = { rounds: 3, clients: 8, batchSize: 20, localEpochs: 1 };
    const buff = await run('buff-sync', { kind: 'fedbuff', ...common, concurrency: 8, bufferSize: 8 }, 5, systems);
    const avg = await run('avg-sync', { kind: 'fedavg', ...common, fraction: 1 }, 5, systems);
    expect(buff.lines.map((l) => l.staleness)).toEqual([0, 0, 0].map(() => ({ mean: 0, max: 0 })));
    expect(buff.s.model_sha256).toBe(avg.s.model_sha256);
    expect(buff.lines.map((l) => l.virtual_time_s)).toEqual(avg.lines.map((l) => l.virtual_time_s));
    expect(buff.lines.map((l) => l.bytes_up)).toEqual(avg.lines.map((l) => l.bytes_up));
  }, 120_000);
});

describe('async refusals', () => {
  it.each([
    ['without systems:', {}, /systems must be a systems: section for algorithm.kind fedbuff/],
    [
      'over sockets with emulated delays',
      { runtime: { kind: 'threads' }, systems: { ...hetero, emulate: true } },
      /systems.emulate must be false for algorithm.kind fedbuff over sockets/,
    ],
  ])(
    'refuses a run %s (exit code 2)',
    async (_what, extra, message) => {
      const out = join(tempDir(), 'refused');
      const cfg = {
        name: 'refused',
        ...base,
        algorithm: fedbuff,
        ...extra,
      };
      const err = await runExperiment(cfg, { out, logLevel: 'silent' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'config' });
      expect(String((err as Error).message)).toMatch(message);
    },
    60_000,
  );
});
