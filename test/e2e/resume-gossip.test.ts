import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { killAndResume } from './kill-resume.js';

/** The metrics lines of a run without their wall-clock time and socket byte counts. */
const lines = (dir: string) =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      // Message headers carry a per-link `seq` whose msgpack width restarts on fresh links, so socket
      // bytes may differ by a few bytes per message after a resume (docs/checkpoints.md).
      const { time_s: _t, bytes_up: _u, bytes_down: _d, payload_bytes: _p, ...rest } = JSON.parse(l);
      return rest;
    });

/** Three runs (reference, killed, resumed), each with its peer processes; generous for a loaded 2-core machine. */
const TIMEOUT = 420_000;

describe('kill -9 of a gossip run and starling resume', () => {
  it(
    'D-PSGD on a ring over 4 peer processes ends on the bits of the uninterrupted run',
    async () => {
      const rounds = 16;
      const o = await killAndResume({
        args: [
          'experiments/dpsgd-ring-16.yaml',
          ...['--set', `algorithm.rounds=${rounds}`, '--set', 'algorithm.peers=8'],
          ...['--set', 'optimizer={kind: momentum, lr: 0.05}', '--set', 'eval.every=4'],
          ...['--set', 'runtime={kind: processes, workers: 4, transport: tcp}'],
        ],
        rounds,
        every: 3,
        seed: 33,
      });
      expect(o.killedAfter).toBeLessThan(rounds - 1);
      expect(o.meta.resumed).toHaveLength(1);
      expect(o.resumed.model_sha256).toBe(o.reference.model_sha256);
      for (const k of ['rounds', 'test_accuracy', 'test_loss', 'peers_lost']) {
        expect(o.resumed[k], k).toEqual(o.reference[k]);
      }
      const ref = lines(String(o.reference.out));
      expect(ref).toHaveLength(rounds);
      expect(lines(o.out)).toEqual(ref);
    },
    TIMEOUT,
  );
});
