import { describe, expect, it } from 'vitest';
import { killAndResume, metricsWithoutTime } from './kill-resume.js';

/**
 * An adversary keeps no state of its own (attacks are functions of the seed, the round and the global
 * model; omniscient statistics are recomputed each round), so kill -9 and `starling resume` must give
 * the uninterrupted run's bits with Byzantine clients too.
 */
describe('kill -9 and starling resume with Byzantine clients (issue 15)', () => {
  it('omniscient ALIE against centered clipping with bucketing ends on the uninterrupted bits', async () => {
    const rounds = 9;
    const o = await killAndResume({
      args: [
        'experiments/fedavg-mnist-iid.yaml',
        ...['--set', `algorithm.rounds=${rounds}`, '--set', 'algorithm.clients=10', '--set', 'algorithm.fraction=0.5'],
        ...['--set', 'model.hidden=[32]', '--set', 'data.limit=2000', '--set', 'eval.every=6'],
        ...['--set', 'algorithm.aggregator={kind: centered_clip, tau: 0.5, momentum: 0.5, bucketing: 2}'],
        ...['--set', 'adversary={fraction: 0.2, attack: {kind: alie}}'],
      ],
      rounds,
      every: 3,
      seed: 21,
    });
    expect(o.resumed.model_sha256).toBe(o.reference.model_sha256);
    expect(o.resumed.adversary).toEqual(o.reference.adversary);
    expect(metricsWithoutTime(o.out)).toEqual(metricsWithoutTime(String(o.reference.out)));
  }, 300_000);
});
