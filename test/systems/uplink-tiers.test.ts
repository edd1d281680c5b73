// Per-client uplink compression by bandwidth tier (compression.upTiers): on a 3-client trace the two
// slow clients send fp16 and the fast one raw float32, so each round's uplink bytes and virtual time are
// computable by hand; threads end on the inline bits, and `starling explain` projects the same bytes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HEADER_BYTES } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';
import { metrics } from '../e2e/e2e-helpers.js';

const TRACE = [
  'client,secondsPerStep,uplinkBps,downlinkBps,latencyS',
  '0,0.5,1e6,2e6,0.1',
  '1,0.2,5e5,1e6,0.2',
  '2,1.5,1e7,1e7,0',
].join('\n');
const P = 784 * 8 + 8 + 8 * 10 + 10; // the 784-8-10 MLP
const cfg = {
  name: 'sys-tiers',
  seed: 4,
  data: { kind: 'mnist', limit: 1500, testFraction: 0.2 },
  model: { kind: 'mlp', hidden: [8] },
  loss: { kind: 'softmax_ce' },
  optimizer: { kind: 'sgd', lr: 0.05 },
  kernels: 'js',
  algorithm: { kind: 'fedsgd', rounds: 2, clients: 3, fraction: 1 },
  compression: { upTiers: [{ maxUplinkBps: 1e6, up: { kind: 'fp16' } }] },
  systems: {
    compute: { per: 'step', seconds: 1 },
    network: { uplinkBps: 1e6, downlinkBps: 1e6 },
    trace: { file: 'trace.csv' },
  },
};

describe('compression.upTiers', () => {
  it('slow clients send their tier encoding: bytes and virtual time by hand, threads = inline, explain = run', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'trace.csv'), TRACE);
    const config = join(dir, 'tiers.json');
    writeFileSync(config, JSON.stringify(cfg));
    const run = (extra: string[], out: string) => {
      const r = starling(['run', config, '--out', join(dir, out), '--json', '--quiet', ...extra]);
      expect(r.code, r.stderr).toBe(0);
      return { summary: JSON.parse(r.stdout) as Record<string, number | string>, lines: metrics(join(dir, out)) };
    };
    const inline = run([], 'inline');
    const fp16 = HEADER_BYTES + 2 * P;
    const raw = 4 * P;
    for (const l of inline.lines) expect(l.payload_bytes_up).toBe(2 * fp16 + raw);
    // Uploads take 8·bytes/rate: clients 0 and 1 send fp16, client 2 raw (see TRACE).
    const t = [
      0.1 + (8 * raw) / 2e6 + 0.5 + 0.1 + (8 * fp16) / 1e6,
      0.2 + (8 * raw) / 1e6 + 0.2 + 0.2 + (8 * fp16) / 5e5,
      (8 * raw) / 1e7 + 1.5 + (8 * raw) / 1e7,
    ];
    expect(inline.lines[0].virtual_time_s).toBeCloseTo(Math.max(...t), 5);
    const threads = run(['--set', 'runtime={kind: threads}'], 'threads');
    expect(threads.summary.model_sha256).toBe(inline.summary.model_sha256);
    expect(threads.lines.map((l) => l.payload_bytes_up)).toEqual(inline.lines.map((l) => l.payload_bytes_up));
    const plain = run(['--set', 'compression={}'], 'plain');
    expect(plain.summary.model_sha256).not.toBe(inline.summary.model_sha256);
    const e = starling(['explain', config, '--json']);
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(e.stdout).traffic.total.bytes_up).toBe(inline.summary.payload_bytes_up);
  }, 120_000);

  it('without systems.network the run is refused with exit 2 naming compression.upTiers', () => {
    const dir = tempDir();
    const config = join(dir, 'bad.json');
    const { network: _, trace: __, ...systems } = cfg.systems;
    writeFileSync(config, JSON.stringify({ ...cfg, systems }));
    const r = starling(['run', config, '--out', join(dir, 'out'), '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('compression.upTiers must be used with a systems.network section');
  });
});
