// systems.emulate over real sockets: the worker host holds each update until its client's virtual delivery
// time, so wall time per round follows the virtual clock, while the model bits, virtual times, late and
// dropped counts stay those of the inline run (emulation only delays).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';
import { metrics } from '../e2e/e2e-helpers.js';

// 40 clients, heavy-tailed compute, lognormal uplinks with 2 % packet loss, on/off availability, 8 of 12 drawn count, deadline 1.5 s:
// late updates reach the server after their round closed, delayed by the emulation too.
const cfg = {
  name: 'sys-emulate',
  seed: 4,
  data: { kind: 'mnist', limit: 1500, testFraction: 0.2 },
  model: { kind: 'mlp', hidden: [8] },
  loss: { kind: 'softmax_ce' },
  optimizer: { kind: 'sgd', lr: 0.05 },
  kernels: 'js',
  algorithm: {
    kind: 'fedavg',
    rounds: 4,
    clients: 40,
    clientsPerRound: 8,
    overCommit: 0.5,
    batchSize: 10,
    partition: { kind: 'dirichlet', alpha: 0.3 },
  },
  eval: { every: 100000 },
  systems: {
    compute: { per: 'example', seconds: { kind: 'pareto', scale: 0.002, shape: 1.2 } },
    network: {
      uplinkBps: { kind: 'lognormal', median: 2e6, sigma: 1 },
      downlinkBps: 1e7,
      latencyS: 0.05,
      lossRate: 0.02,
    },
    availability: { kind: 'onOff', meanOnS: 20, meanOffS: 5 },
    deadlineS: 1.5,
    emulate: true,
  },
};

describe('systems.emulate', () => {
  it('threads: same bits, virtual times, late and dropped as inline; wall time per round follows the virtual clock', () => {
    const dir = tempDir();
    const config = join(dir, 'emulate.json');
    writeFileSync(config, JSON.stringify(cfg));
    const run = (extra: string[], out: string) => {
      const r = starling(['run', config, '--out', join(dir, out), '--json', ...extra.flatMap((v) => ['--set', v])]);
      expect(r.code, r.stderr).toBe(0);
      return { summary: JSON.parse(r.stdout) as Record<string, unknown>, lines: metrics(join(dir, out)) };
    };
    const inline = run([], 'inline');
    const threads = run(['runtime={kind: threads}'], 'threads');
    expect(threads.summary.model_sha256).toBe(inline.summary.model_sha256);
    expect(threads.summary.virtual_time_s).toBe(inline.summary.virtual_time_s);
    const pick = (l: Record<string, unknown>) => [l.virtual_time_s, l.late, l.dropped, l.participants];
    expect(threads.lines.map(pick)).toEqual(inline.lines.map(pick));
    expect(inline.lines.some((l) => (l.late as number) > 0)).toBe(true);
    // Without emulation a threads round of this tiny model takes a few ms of wall time; with it, about
    // round_time_s (0.5-1.5 s here). Rounds after the first (which also pays the start-up).
    const t = threads.lines.map((l) => l.time_s as number);
    for (let i = 1; i < t.length; i++) {
      const virtual = threads.lines[i].round_time_s as number;
      expect(t[i] - t[i - 1], `round ${i}`).toBeGreaterThan(0.85 * virtual);
      expect(t[i] - t[i - 1], `round ${i}`).toBeLessThan(1.5 * virtual + 0.3);
    }
  }, 120_000);
});
