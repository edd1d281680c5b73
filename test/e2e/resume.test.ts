import { describe, expect, it } from 'vitest';
import { efTopkOverProcesses } from './e2e-helpers.js';
import { type KillResumeOutcome, killAndResume, metricsWithoutTime as lines } from './kill-resume.js';

/** The resumed run ended on the uninterrupted run's bits, ε, totals and metrics. */
function expectSameRun(o: KillResumeOutcome, rounds: number): void {
  const { reference: a, resumed: b } = o;
  expect(b.model_sha256).toBe(a.model_sha256);
  expect(b.epsilon).toBe(a.epsilon);
  for (const k of ['rounds', 'test_accuracy', 'test_loss', 'bytes_up', 'bytes_down', 'stopped_early']) {
    expect(b[k], k).toEqual(a[k]);
  }
  const ref = lines(String(a.out));
  expect(ref).toHaveLength(rounds);
  expect(lines(o.out)).toEqual(ref);
}

const fedAvg = (rounds: number) => [
  'experiments/fedavg-mnist-iid.yaml',
  '--set',
  `algorithm.rounds=${rounds}`,
  '--set',
  'algorithm.clients=10',
  '--set',
  'algorithm.fraction=0.5',
  '--set',
  'model.hidden=[32]',
  '--set',
  'data.limit=2000',
  '--set',
  'eval.every=6',
];

/** Three runs per test (reference, killed, resumed); generous for a loaded 2-core machine. */
const TIMEOUT = 300_000;

describe('kill -9 and starling resume give the uninterrupted run', () => {
  it(
    'FedAvg with FedAdam on the server and momentum with a schedule on the clients',
    async () => {
      const rounds = 24;
      const o = await killAndResume({
        args: [
          ...fedAvg(rounds),
          '--set',
          'algorithm.serverOptimizer={kind: fedadam, lr: 0.01}',
          '--set',
          'optimizer={kind: momentum, lr: 0.05, schedule: {kind: step, stepSize: 10, gamma: 0.5}}',
        ],
        rounds,
        every: 4,
        seed: 11,
      });
      expect(o.checkpointsAtKill.length).toBeGreaterThan(0);
      expect((o.meta.resumed as { from_round: number }[])[0].from_round).toBe(o.checkpointsAtKill[0]);
      expectSameRun(o, rounds);
    },
    TIMEOUT,
  );

  it(
    'compressed FedAvg with error feedback up and a compressed downlink',
    async () => {
      const rounds = 24;
      const o = await killAndResume({
        args: [
          'experiments/compression-fedavg.yaml',
          '--set',
          `algorithm.rounds=${rounds}`,
          '--set',
          'data.limit=2000',
          '--set',
          'model.hidden=[32]',
          '--set',
          'compression.up={kind: topk, ratio: 0.05, errorFeedback: true}',
          '--set',
          'compression.down={kind: topk, ratio: 0.2}',
        ],
        rounds,
        every: 5,
        seed: 12,
      });
      expectSameRun(o, rounds);
    },
    TIMEOUT,
  );

  it(
    'DP-FedAvg (client-level DP, Poisson clients, calibrated σ): same model and ε',
    async () => {
      const rounds = 30;
      const o = await killAndResume({
        args: ['experiments/dp-fedavg.yaml', '--set', `algorithm.rounds=${rounds}`],
        rounds,
        every: 5,
        seed: 13,
      });
      expect(o.resumed.epsilon).toBeGreaterThan(0);
      expectSameRun(o, rounds);
    },
    TIMEOUT,
  );

  it(
    'over processes: EF top-k uplinks and momentum clients, whose state lives on the worker hosts',
    async () => {
      const rounds = 16;
      const o = await killAndResume({
        args: [...efTopkOverProcesses(rounds), '--set', 'optimizer={kind: momentum, lr: 0.05}'],
        rounds,
        every: 4,
        seed: 15,
      });
      expect(o.resumed.model_sha256).toBe(o.reference.model_sha256);
      // Not payload_bytes_down: a host whose second `hello` crossed its `welcome` is welcomed again and
      // sent the open round again (host recovery, docs/runtimes.md), one model more in either run.
      for (const k of ['rounds', 'test_accuracy', 'test_loss', 'payload_bytes_up']) {
        expect(o.resumed[k], k).toEqual(o.reference[k]);
      }
    },
    TIMEOUT,
  );

  it(
    'a truncated newest checkpoint is detected and the previous one used',
    async () => {
      const rounds = 24;
      const o = await killAndResume({
        args: [...fedAvg(rounds), '--set', 'algorithm.serverOptimizer={kind: fedadam, lr: 0.01}'],
        rounds,
        every: 4,
        seed: 14,
        truncateNewest: true,
      });
      const [entry] = o.meta.resumed as { from_round: number; skipped: { checkpoint: string; reason: string }[] }[];
      expect(entry.from_round).toBe(o.checkpointsAtKill[1]);
      expect(entry.skipped).toHaveLength(1);
      expect(entry.skipped[0].reason).toMatch(/checksum|truncated/);
      expectSameRun(o, rounds);
    },
    TIMEOUT,
  );
});
