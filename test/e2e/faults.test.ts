import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { Dealer } from 'zeromq';
import { tempDir } from '../cli/cli-helpers.js';
import { metrics, startCluster, waitFor } from './e2e-helpers.js';

describe('faults on real sockets', () => {
  it('a worker process SIGKILLed mid-run: the round closes with the survivors and the run finishes', async () => {
    const out = join(tempDir(), 'run');
    const { server, workers } = await startCluster(
      1,
      ['a', 'b'],
      ['algorithm.rounds=6', 'algorithm.minCompletion=0.5'],
      out,
    );
    const [a, b] = [workers.a, workers.b];
    await waitFor(() => metrics(out).length >= 2, 60_000, 'two rounds');
    b.child.kill('SIGKILL');
    expect(await server.exit).toBe(0);
    await a.exit;
    const lines = metrics(out);
    expect(lines).toHaveLength(6);
    const hit = lines.filter((l) => (l.failures as number) > 0);
    expect(hit.length).toBeGreaterThan(0); // the kill was noticed
    expect(lines.every((l) => l.aggregated === true)).toBe(true); // 5 of 10 still meets minCompletion 0.5
    expect(JSON.parse(server.out()).rounds).toBe(6);
  });

  it('a hostile peer sending garbage, oversized frames, bad rounds and NaN payloads is rejected and counted', async () => {
    const out = join(tempDir(), 'run');
    const { server, workers, address } = await startCluster(2, ['good'], ['algorithm.rounds=4'], out);
    const worker = workers.good;
    const evil = new Dealer({ routingId: 'evil', linger: 0 });
    evil.connect(address);
    const header = (h: object) => pack({ v: 1, run: 'fedavg-mnist-iid', node: 0, seq: 0, tensors: [], ...h });
    const nan = Buffer.from(new Float32Array([Number.NaN, 1, 2]).buffer);
    await waitFor(() => metrics(out).length >= 1, 60_000, 'first round');
    const attacks: Buffer[][] = [
      [Buffer.from('not msgpack at all')],
      [Buffer.alloc(300 * 1024 * 1024 + 1)], // over the 256 MiB default message cap
      [header({ type: 'update', round: 999, weight: 1, metrics: {} })],
      [
        header({
          type: 'update',
          round: 1,
          weight: 1,
          metrics: {},
          tensors: [{ name: 'delta', dtype: 'f32', length: 3, bytes: 12 }],
        }),
        nan,
      ],
      [header({ type: 'task', round: 0, nodes: [0], model: 'full', config: {}, deadlineMs: 0 })], // wrong direction
    ];
    for (const frames of attacks) await evil.send(frames);
    expect(await server.exit).toBe(0);
    evil.close();
    await worker.exit;
    expect(metrics(out)).toHaveLength(4);
    const { rejected } = JSON.parse(readFileSync(join(out, 'links.json'), 'utf8'));
    const total = Object.values(rejected as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(3);
    expect(JSON.parse(server.out()).test_accuracy).toBeGreaterThan(0.5);
  });
});
