import { describe, expect, it } from 'vitest';
import { killAndResume, metricsWithoutTime as lines } from './kill-resume.js';

describe('kill -9 and starling resume with a stateful robust aggregator', () => {
  it('centered clipping with server momentum and bucketing: the momentum is checkpointed, same bits', async () => {
    const rounds = 20;
    const o = await killAndResume({
      args: [
        'experiments/byzantine-fedavg.yaml',
        '--set',
        `algorithm.rounds=${rounds}`,
        '--set',
        'algorithm.clients=20',
        '--set',
        'algorithm.clientsPerRound=8',
        '--set',
        'model.hidden=[32]',
        '--set',
        'data.limit=2000',
        '--set',
        'eval.every=4',
        '--set',
        'algorithm.aggregator={kind: centered_clip, tau: 0.5, iterations: 2, momentum: 0.8, bucketing: 2}',
      ],
      rounds,
      every: 3,
      seed: 21,
    });
    expect(o.checkpointsAtKill.length).toBeGreaterThan(0);
    const { reference: a, resumed: b } = o;
    expect(b.model_sha256).toBe(a.model_sha256);
    for (const k of ['rounds', 'test_accuracy', 'test_loss', 'bytes_up', 'bytes_down']) expect(b[k], k).toEqual(a[k]);
    expect(lines(o.out)).toEqual(lines(String(a.out)));
  }, 300_000);
});
