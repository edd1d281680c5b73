import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';
import { smallFedAvg } from './e2e-helpers.js';

/** Runs `args` with `runtime` (js kernels): exit code, --json summary, metrics lines and stderr. */
function run(args: readonly string[], runtime: string) {
  const out = join(tempDir(), 'run');
  const r = starling(['run', ...args, '--set', runtime, '--out', out, '--json', '--quiet'], { STARLING_KERNELS: 'js' });
  const lines =
    r.code === 0
      ? readFileSync(join(out, 'metrics.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l))
      : [];
  return { code: r.code, summary: r.code === 0 ? JSON.parse(r.stdout) : null, lines, stderr: r.stderr };
}

// Device tiers give clients 1 or 3 local epochs (systems.localWork), over-commit makes stragglers late.
const systems = [
  '--set',
  'systems={compute: {per: example, seconds: {kind: pareto, scale: 0.002, shape: 1.3}}, network: {uplinkBps: 1.0e+6, downlinkBps: 4.0e+6, latencyS: 0.05}, localWork: {kind: epochs, epochs: {kind: tiers, tiers: [{value: 1, p: 0.5}, {value: 3, p: 0.5}]}}}',
  '--set',
  'algorithm.overCommit=0.5',
];
const fed = [
  ...smallFedAvg,
  '--set',
  'algorithm.rounds=2',
  '--set',
  'algorithm.partition={kind: dirichlet, alpha: 0.3}',
];

describe('heterogeneity algorithms on a virtual clock (issue 16: per-client E_i from systems.localWork)', () => {
  it('fednova with per-client epochs ends on the same bits and virtual time inline and over threads', () => {
    const args = [...fed, ...systems, '--set', 'algorithm.kind=fednova'];
    const inline = run(args, 'runtime={kind: inline}');
    expect(inline.code, inline.stderr).toBe(0);
    const threads = run(args, 'runtime={kind: threads}');
    expect(threads.code, threads.stderr).toBe(0);
    expect(threads.summary.model_sha256).toBe(inline.summary.model_sha256);
    expect(threads.summary.virtual_time_s).toBe(inline.summary.virtual_time_s);
    expect(inline.lines.map((l) => l.late)).toEqual(threads.lines.map((l) => l.late));
    // the same clients without their own epochs train another model: the per-client plans reach FedNova
    const uniform = run([...args, '--set', 'systems.localWork={kind: plan}'], 'runtime={kind: inline}');
    expect(uniform.summary.model_sha256).not.toBe(inline.summary.model_sha256);
  }, 300_000);

  it("scaffold's control variate lengthens each round's virtual downlink beyond FedAvg's", () => {
    const scaffold = run([...fed, ...systems, '--set', 'algorithm.kind=scaffold'], 'runtime={kind: inline}');
    const fedavg = run([...fed, ...systems], 'runtime={kind: inline}');
    expect(scaffold.code, scaffold.stderr).toBe(0);
    expect(fedavg.code, fedavg.stderr).toBe(0);
    expect(scaffold.summary.bytes_down).toBe(2 * fedavg.summary.bytes_down);
    expect(scaffold.summary.virtual_time_s).toBeGreaterThan(fedavg.summary.virtual_time_s);
  }, 300_000);
});
