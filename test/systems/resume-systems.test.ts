import { describe, expect, it } from 'vitest';
import { killAndResume, metricsWithoutTime as lines } from '../e2e/kill-resume.js';

describe('kill -9 and starling resume with a virtual clock', () => {
  it('the clock is checkpointed: availability and deadlines continue where they were, same bits and lines', async () => {
    const rounds = 16;
    const systems =
      '{compute: {seconds: {kind: pareto, scale: 0.002, shape: 1.2}}, ' +
      'network: {uplinkBps: {kind: lognormal, median: 2e6, sigma: 1}, downlinkBps: 1e7, latencyS: 0.05}, ' +
      'availability: {kind: onOff, meanOnS: 6, meanOffS: 3}, deadlineS: 1.2}';
    const o = await killAndResume({
      args: [
        'experiments/fedavg-mnist-iid.yaml',
        ...['--set', `algorithm.rounds=${rounds}`, '--set', 'algorithm.clients=30', '--set', 'algorithm.fraction=0.3'],
        ...['--set', 'algorithm.overCommit=0.5', '--set', 'model.hidden=[32]', '--set', 'data.limit=2000'],
        ...['--set', 'eval.every=4', '--set', `systems=${systems}`],
      ],
      rounds,
      every: 3,
      seed: 16,
    });
    expect(o.checkpointsAtKill.length).toBeGreaterThan(0);
    const { reference: a, resumed: b } = o;
    expect(b.model_sha256).toBe(a.model_sha256);
    expect(b.virtual_time_s).toBe(a.virtual_time_s);
    expect(lines(o.out)).toEqual(lines(String(a.out)));
  }, 300_000);
});
