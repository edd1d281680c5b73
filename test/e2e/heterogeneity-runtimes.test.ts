import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';
import { smallFedAvg } from './e2e-helpers.js';
import { killAndResume, metricsWithoutTime } from './kill-resume.js';

/** A run's exit code, its --json summary (parsed; null when it failed) and its stderr. */
type Outcome = { code: number | null; summary: ReturnType<typeof JSON.parse>; stderr: string };
const runs = new Map<string, Outcome>();

/**
 * Runs `args` with `runtime` (js kernels), returning the exit code, the --json summary and stderr. A run
 * is deterministic, so one already made with the same arguments in this file is reused, not run again.
 */
function run(args: readonly string[], runtime: string): Outcome {
  const key = JSON.stringify([args, runtime]);
  const made = runs.get(key);
  if (made) return made;
  const out = join(tempDir(), 'run');
  const r = starling(['run', ...args, '--set', runtime, '--out', out, '--json', '--quiet'], { STARLING_KERNELS: 'js' });
  const outcome = { code: r.code, summary: r.code === 0 ? JSON.parse(r.stdout) : null, stderr: r.stderr };
  runs.set(key, outcome);
  return outcome;
}

// Dirichlet label skew gives clients of unequal sizes, so local step counts differ (what FedNova reads).
const fed = [
  ...smallFedAvg,
  ...['--set', 'algorithm.rounds=2', '--set', 'algorithm.partition={kind: dirichlet, alpha: 0.3}'],
];
const kinds: Record<string, string[]> = {
  fedprox: ['--set', 'algorithm.kind=fedprox', '--set', 'algorithm.mu=0.1'],
  fednova: ['--set', 'algorithm.kind=fednova'],
  scaffold: ['--set', 'algorithm.kind=scaffold'],
};

/** The FedAvg run of the same config, inline (made once). */
const fedavgRun = () => run(fed, 'runtime={kind: inline}');

describe('heterogeneity algorithms give the same bits in every runtime (issue 16)', () => {
  it.each(Object.keys(kinds))(
    '%s ends on the same model inline, over threads and over worker processes',
    (kind) => {
      const args = [...fed, ...kinds[kind]];
      const inline = run(args, 'runtime={kind: inline}');
      expect(inline.code, inline.stderr).toBe(0);
      const threads = run(args, 'runtime={kind: threads}');
      const processes = run(args, 'runtime={kind: processes, workers: 2}');
      expect(threads.summary?.model_sha256).toBe(inline.summary.model_sha256);
      expect(processes.summary?.model_sha256).toBe(inline.summary.model_sha256);
      expect(fedavgRun().summary.model_sha256).not.toBe(inline.summary.model_sha256);
    },
    300_000,
  );

  it('scaffold counts c in the downlink and is refused with reasons where it does not fit', () => {
    const args = [...fed, '--set', 'algorithm.kind=scaffold'];
    const inline = run(args, 'runtime={kind: inline}');
    expect(inline.code, inline.stderr).toBe(0);
    const fedavg = fedavgRun();
    // c (model-sized) travels with the model to each participant: twice FedAvg's downlink
    expect(inline.summary.bytes_down).toBe(2 * fedavg.summary.bytes_down);
    const momentum = run([...args, '--set', 'optimizer={kind: momentum, lr: 0.05}'], 'runtime={kind: inline}');
    expect(momentum.code).toBe(2);
    expect(momentum.stderr).toContain('optimizer.kind must be sgd for algorithm.kind scaffold');
    const clientDp = [...args, '--set', 'privacy={mode: client, noiseMultiplier: 1, clipNorm: 1, delta: 1e-5}'];
    const dp = run(clientDp, 'runtime={kind: inline}');
    expect(dp.code).toBe(2);
    expect(dp.stderr).toContain('privacy.mode must be dpsgd or local for algorithm.kind scaffold');
  }, 300_000);

  it.each(['runtime={kind: inline}', 'runtime={kind: processes, workers: 2}'])(
    'scaffold, %s: kill -9 and starling resume end on the uninterrupted bits (c and every c_i are checkpointed)',
    async (runtime) => {
      const rounds = 9;
      const o = await killAndResume({
        args: [
          'experiments/scaffold-mnist.yaml',
          ...['--set', `algorithm.rounds=${rounds}`, '--set', 'model.hidden=[32]', '--set', 'eval.every=6'],
          ...['--set', 'data.limit=2000', '--set', 'algorithm.clientsPerRound=5', '--set', runtime],
        ],
        rounds,
        every: 3,
        seed: 16,
      });
      expect(o.resumed.model_sha256).toBe(o.reference.model_sha256);
      // Over sockets a resumed run's link bytes include the new hosts' hellos; the learning must not differ.
      const learning = (dir: string) =>
        metricsWithoutTime(dir).map((l) => [l.round, l.train_loss, l.test_loss, l.test_accuracy, l.participants]);
      expect(learning(o.out)).toEqual(learning(String(o.reference.out)));
    },
    300_000,
  );
});
