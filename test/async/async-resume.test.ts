// kill -9 and `starling resume` of an inline asynchronous run: the checkpoint holds the event simulation
// (updates in flight, FedBuff's buffer, the virtual clock, the draws), so the resumed run ends on the
// uninterrupted run's bits, virtual time and metrics lines.
import { describe, expect, it } from 'vitest';
import { killAndResume, metricsWithoutTime as lines } from '../e2e/kill-resume.js';

describe('kill -9 and starling resume of an inline fedbuff run', () => {
  it('continues the event simulation where the checkpoint left it: same bits, virtual time and lines', async () => {
    const rounds = 16;
    const o = await killAndResume({
      args: [
        'experiments/async-fedbuff.yaml',
        ...['--set', 'data={kind: mnist, limit: 2000, testFraction: 0.2}', '--set', 'model.hidden=[16]'],
        ...['--set', `algorithm.rounds=${rounds}`, '--set', 'algorithm.clients=40', '--set', 'algorithm.concurrency=8'],
        ...['--set', 'algorithm.bufferSize=3', '--set', 'algorithm.localEpochs=1', '--set', 'eval.every=4'],
        ...['--set', 'systems.availability={kind: onOff, meanOnS: 6, meanOffS: 2}'],
      ],
      rounds,
      every: 3,
      seed: 7,
    });
    expect(o.checkpointsAtKill.length).toBeGreaterThan(0);
    const { reference: a, resumed: b } = o;
    expect(b.model_sha256).toBe(a.model_sha256);
    expect(b.virtual_time_s).toBe(a.virtual_time_s);
    expect(lines(o.out)).toEqual(lines(String(a.out)));
  }, 300_000);
});
