import { describe, expect, it } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';

/*
 * One-step clients (8 examples at batch 10, the 1,000-client bench's shape at a smaller scale): every client's
 * only step is its fused last step, which inline adds into the streaming mean without writing Δ, threads'
 * pool threads add as heads of the shared chain or leave to a drain, and processes add across two worker
 * processes. The model must end on the same bits in all three (docs/runtimes.md, "Streaming mean" and
 * "Threads: the shared reduction").
 */
const shape = [
  'experiments/fedavg-mnist-iid.yaml',
  '--set',
  'algorithm.clients=300',
  '--set',
  'algorithm.fraction=0.1',
  '--set',
  'data.limit=2400',
  '--set',
  'model.hidden=[48, 24]',
  '--set',
  'algorithm.rounds=6',
];
const runs = [
  ['inline', ['--set', 'runtime={kind: inline}']],
  ['threads', ['--set', 'runtime={kind: threads}']],
  ['2 worker processes', ['--set', 'runtime={kind: processes, workers: 2}']],
] as const;

describe('one-step clients', () => {
  it('end on the same model bits in inline, threads and processes', () => {
    const results = runs.map(([name, set]) => {
      const r = starling(['run', ...shape, ...set, '--out', tempDir(), '--json']);
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      return { name, summary: JSON.parse(r.stdout) };
    });
    const [inline, ...others] = results;
    expect(inline.summary.rounds).toBe(6);
    for (const s of others) expect(s.summary.model_sha256, s.name).toBe(inline.summary.model_sha256);
  });
});
