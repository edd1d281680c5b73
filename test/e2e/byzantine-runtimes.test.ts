import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';
import { smallFedAvg } from './e2e-helpers.js';

/** Runs `args` with `runtime`, returning the --json summary and meta.json. */
function run(args: readonly string[], runtime: string) {
  const out = join(tempDir(), 'run');
  const r = starling(['run', ...args, '--set', runtime, '--out', out, '--json'], { STARLING_KERNELS: 'js' });
  expect(r.code, r.stderr).toBe(0);
  return { summary: JSON.parse(r.stdout), meta: JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')) };
}

const fed = [...smallFedAvg, '--set', 'algorithm.rounds=2'];
const signFlip = 'adversary={fraction: 0.2, attack: {kind: sign_flip, scale: 4}}';

describe('Byzantine nodes run at the node, the same in every runtime (issue 15)', () => {
  it('a 20 % sign-flip run ends on the same model bits inline, over threads and over worker processes', () => {
    const args = [...fed, '--set', signFlip];
    const inline = run(args, 'runtime={kind: inline}');
    const threads = run(args, 'runtime={kind: threads}');
    const processes = run(args, 'runtime={kind: processes, workers: 2}');
    expect(processes.summary.model_sha256).toBe(inline.summary.model_sha256);
    expect(threads.summary.model_sha256).toBe(inline.summary.model_sha256);
    // ⌊0.2 · 10⌋ = 2 Byzantine ids, the same in meta.json and summary.json of every runtime
    const ids = inline.summary.adversary.byzantine;
    expect(ids).toHaveLength(2);
    for (const r of [inline, threads, processes]) {
      expect(r.meta.adversary.byzantine).toEqual(ids);
      expect(r.summary.adversary.byzantine).toEqual(ids);
    }
    const honest = run(fed, 'runtime={kind: inline}');
    expect(honest.summary.model_sha256).not.toBe(inline.summary.model_sha256);
    expect(honest.summary.adversary).toBeUndefined();
  });

  it('omniscient ALIE recomputes the honest updates identically in one process and in worker processes', () => {
    const args = [...fed, '--set', 'adversary={fraction: 0.2, attack: {kind: alie}}'];
    const inline = run(args, 'runtime={kind: inline}');
    const processes = run(args, 'runtime={kind: processes, workers: 2}');
    expect(processes.summary.model_sha256).toBe(inline.summary.model_sha256);
    expect(inline.summary.adversary.knowledge).toBe('omniscient');
    expect(inline.summary.adversary.alie_z).toBeGreaterThan(0);
  });

  it('a rushing ALIE gossip peer gives the same models inline and as peer processes', () => {
    const args = [
      'experiments/dpsgd-ring-16.yaml',
      '--set',
      'algorithm.rounds=4',
      '--set',
      'algorithm.peers=6',
      '--set',
      'eval.every=4',
      '--set',
      'adversary={nodes: [2], attack: {kind: alie, z: 1}}',
    ];
    const inline = run(args, 'runtime={kind: inline}');
    const processes = run(args, 'runtime={kind: processes, workers: 3, transport: tcp}');
    expect(processes.summary.model_sha256).toBe(inline.summary.model_sha256);
    expect(inline.meta.adversary).toMatchObject({ byzantine: [2], knowledge: 'omniscient' });
  });
});
