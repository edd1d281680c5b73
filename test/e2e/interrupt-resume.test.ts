import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';
import { metrics, smallFedAvg, startStarling, waitFor } from './e2e-helpers.js';

/** The kernels `startStarling` runs with, for the reference and the resume too. */
const js = { STARLING_KERNELS: 'js' };
const processes = ['--set', 'runtime={kind: processes, workers: 2}'];
const cases = [
  ['FedAvg', [...smallFedAvg, '--set', 'algorithm.rounds=40', ...processes], 40],
  [
    'D-PSGD',
    ['experiments/dpsgd-ring-16.yaml', '--set', 'algorithm.peers=4', '--set', 'algorithm.rounds=60', ...processes],
    60,
  ],
] as const;

/**
 * Ctrl-C over sockets: the round in progress closes, is recorded and checkpointed, and `starling resume`
 * then ends on the uninterrupted run's bits. `checkpoint.every=0`: the interrupt's checkpoint is the only one.
 */
describe('SIGINT to a run over worker processes writes a checkpoint of its last round', () => {
  it.each(cases)(
    '%s: exit 130, a checkpoint of the last recorded round, resume ends on the same bits',
    async (_n, args, rounds) => {
      const base = tempDir('starling-sigint-');
      const reference = JSON.parse(
        starling(['run', ...args, '--set', 'checkpoint.every=0', '--out', join(base, 'ref'), '--json', '--quiet'], js)
          .stdout,
      );
      const out = join(base, 'run');
      const run = startStarling(['run', ...args, '--set', 'checkpoint.every=0', '--out', out, '--quiet']);
      await waitFor(() => metrics(out).length >= 3, 90_000, 'three rounds');
      run.child.kill('SIGINT');
      expect(await run.exit).toBe(130);
      const last = metrics(out).at(-1)?.round as number;
      expect(last).toBeLessThan(rounds - 1); // stopped, not finished
      const ckpt = join(out, 'checkpoints', `round-${String(last).padStart(6, '0')}.ckpt`);
      expect(run.err()).toContain(`interrupted after round ${last}; checkpoint ${ckpt}`);
      expect(existsSync(ckpt)).toBe(true);

      const resumed = starling(['resume', out, '--json', '--quiet'], js);
      expect(resumed.code).toBe(0);
      const summary = JSON.parse(resumed.stdout);
      expect(summary.rounds).toBe(rounds);
      expect(summary.model_sha256).toBe(reference.model_sha256);
    },
    240_000,
  );
});
