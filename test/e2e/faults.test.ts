import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { Dealer } from 'zeromq';
import { tempDir } from '../cli/cli-helpers.js';
import { metrics, smallFedAvg, startStarling, testPort, waitFor } from './e2e-helpers.js';

describe('faults on real sockets', () => {
  it('a worker process SIGKILLed mid-run: the round closes with the survivors and the run finishes', async () => {
    const port = testPort(1);
    const out = join(tempDir(), 'run');
    const server = startStarling([
      'server',
      ...smallFedAvg,
      '--set',
      'algorithm.rounds=6',
      '--set',
      'algorithm.minCompletion=0.5',
      '--bind',
      `tcp://127.0.0.1:${port}`,
      '--hosts',
      '2',
      '--out',
      out,
      '--json',
    ]);
    await waitFor(() => server.err().includes('listening on'), 30_000, 'server to listen');
    const a = startStarling(['worker', '--connect', `tcp://127.0.0.1:${port}`, '--host-id', 'a', '--threads', '1']);
    const b = startStarling(['worker', '--connect', `tcp://127.0.0.1:${port}`, '--host-id', 'b', '--threads', '1']);
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
    const port = testPort(2);
    const out = join(tempDir(), 'run');
    const server = startStarling([
      'server',
      ...smallFedAvg,
      '--set',
      'algorithm.rounds=4',
      '--bind',
      `tcp://127.0.0.1:${port}`,
      '--hosts',
      '1',
      '--out',
      out,
      '--json',
    ]);
    await waitFor(() => server.err().includes('listening on'), 30_000, 'server to listen');
    const worker = startStarling([
      'worker',
      '--connect',
      `tcp://127.0.0.1:${port}`,
      '--host-id',
      'good',
      '--threads',
      '1',
    ]);
    const evil = new Dealer({ routingId: 'evil', linger: 0 });
    evil.connect(`tcp://127.0.0.1:${port}`);
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
