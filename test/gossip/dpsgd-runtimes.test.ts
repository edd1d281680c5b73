import { describe, expect, it } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';
import { metrics } from '../e2e/e2e-helpers.js';
import { SMALL_PARAMS, smallGossip } from './gossip-helpers.js';

const small = smallGossip('experiments/dpsgd-ring-16.yaml');
const PARAMS = SMALL_PARAMS;

function run(sets: readonly string[]) {
  const out = `${tempDir()}/run`;
  const r = starling(['run', ...small, ...sets.flatMap((s) => ['--set', s]), '--out', out, '--json'], {
    STARLING_KERNELS: 'js',
  });
  expect(r.code, r.stderr).toBe(0);
  return { summary: JSON.parse(r.stdout), lines: metrics(out) };
}

const key = (lines: Record<string, unknown>[]) =>
  lines.map((l) => [l.train_loss, l.test_accuracy, l.consensus_error, l.node_accuracy_mean, l.node_accuracy_std]);

describe('D-PSGD gives the same models in memory and over sockets', () => {
  it('inline, threads over ipc and 4 peer processes over tcp end on one model hash, for atc and cta', () => {
    const results = {
      atc: ['inline', 'threads, transport: ipc', 'processes, workers: 4, transport: tcp'].map((rt) =>
        run(['algorithm.order=atc', `runtime={kind: ${rt}}`]),
      ),
      cta: ['inline', 'threads, transport: tcp'].map((rt) => run(['algorithm.order=cta', `runtime={kind: ${rt}}`])),
    };
    for (const [inline, ...sockets] of Object.values(results)) {
      expect(inline.summary.test_accuracy).toBeGreaterThan(0.5);
      expect(inline.summary.consensus_error).toBeGreaterThan(0);
      for (const s of sockets) {
        expect(s.summary.model_sha256).toBe(inline.summary.model_sha256);
        expect(key(s.lines)).toEqual(key(inline.lines));
        // gossip bytes: 16 peers x 2 neighbours x 6 rounds x the model, plus a header each
        expect(s.summary.bytes_up).toBeGreaterThan(16 * 2 * 6 * PARAMS * 4);
        expect(s.summary.bytes_up).toBeLessThan(16 * 2 * 6 * (PARAMS * 4 + 200));
      }
      const evalLines = inline.lines.filter((l) => l.test_accuracy !== null);
      expect(evalLines.map((l) => l.round)).toEqual([2, 5]);
      expect(evalLines.every((l) => (l.node_accuracy_min as number) <= (l.node_accuracy_max as number))).toBe(true);
    }
    // combine-then-adapt and adapt-then-combine are different algorithms
    expect(results.atc[0].summary.model_sha256).not.toBe(results.cta[0].summary.model_sha256);
  });
});
