// Seeded packet loss on the virtual clock (systems.network.lossRate): a 3-client trace whose round times
// are the hand-computed loss-free times plus each client's retransmission time for that round, drawn
// from its own loss stream; the same seed gives the same times, and the learning is not touched.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng, retransmitSeconds } from '@starling/core';
import { runExperiment } from '@starling/runner';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../cli/cli-helpers.js';
import { metrics } from '../e2e/e2e-helpers.js';

const TRACE = [
  'client,secondsPerStep,uplinkBps,downlinkBps,latencyS,lossRate',
  '0,0.5,1e6,2e6,0.1,0.05',
  '1,0.2,5e5,1e6,0.2,0.1',
  '2,1.5,1e7,1e7,0.01,0',
].join('\n');
const links = [
  { up: 1e6, down: 2e6, latency: 0.1, compute: 0.5, rate: 0.05 },
  { up: 5e5, down: 1e6, latency: 0.2, compute: 0.2, rate: 0.1 },
  { up: 1e7, down: 1e7, latency: 0.01, compute: 1.5, rate: 0 },
];

function config(dir: string, name: string, trace: string) {
  writeFileSync(join(dir, `${name}.csv`), trace);
  return {
    name,
    seed: 4,
    data: { kind: 'mnist', limit: 1500, testFraction: 0.2 },
    model: { kind: 'mlp', hidden: [8] },
    loss: { kind: 'softmax_ce' },
    optimizer: { kind: 'sgd', lr: 0.05 },
    kernels: 'js',
    algorithm: { kind: 'fedsgd', rounds: 3, clients: 3, fraction: 1 },
    systems: { compute: { per: 'step', seconds: 1 }, trace: { file: `${name}.csv` } },
  };
}

describe('seeded packet loss', () => {
  it('adds each client’s retransmission time of the round to its download and upload', async () => {
    const dir = tempDir();
    const s = await runExperiment(config(dir, 'lossy', TRACE), {
      out: join(dir, 'lossy'),
      baseDir: dir,
      logLevel: 'silent',
    });
    const bytes = 4 * 6370; // the 784-8-10 MLP, raw both ways
    const sys = Rng.fromSeed(4).fork('systems');
    let clock = 0;
    const expected: number[] = [];
    for (let round = 0; round < 3; round++) {
      const t = links.map((c, i) => {
        const loss = { rate: c.rate, key: sys.fork('client', i).fork('packet-loss').key() };
        const down = retransmitSeconds(loss, round, 'down', bytes, c.latency, c.down);
        const up = retransmitSeconds(loss, round, 'up', bytes, c.latency, c.up);
        return c.latency + (8 * bytes) / c.down + down + c.compute + c.latency + (8 * bytes) / c.up + up;
      });
      clock += Math.max(...t);
      expected.push(clock);
    }
    const lines = metrics(join(dir, 'lossy'));
    lines.forEach((l, i) => {
      expect(l.virtual_time_s).toBeCloseTo(expected[i], 5);
    });
    expect(s.virtual_time_s).toBeCloseTo(expected[2], 5);

    // Without loss: the loss-free times (client 2's 1.5 s compute dominates) and the same model bits.
    const free = TRACE.replace(/,0\.05$|,0\.1$/gm, ',0');
    const f = await runExperiment(config(dir, 'free', free), {
      out: join(dir, 'free'),
      baseDir: dir,
      logLevel: 'silent',
    });
    expect(f.model_sha256).toBe(s.model_sha256);
    expect(f.virtual_time_s).toBeLessThan(s.virtual_time_s as number);
    const again = await runExperiment(config(dir, 'again', TRACE), {
      out: join(dir, 'again'),
      baseDir: dir,
      logLevel: 'silent',
    });
    expect(again.virtual_time_s).toBe(s.virtual_time_s);
  }, 60_000);
});
