// Losing a worker host in an asynchronous run over sockets (`starling server` + two `starling worker`):
// its clients in flight are counted lost (`dropped`), the slots go to the other host's clients, and the
// run ends with every server update applied.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../cli/cli-helpers.js';
import { metrics, startStarling, testPort, waitFor } from '../e2e/e2e-helpers.js';

const ROUNDS = 30;
const config = {
  name: 'buff-loss',
  seed: 5,
  data: { kind: 'mnist', limit: 1500, testFraction: 0.2 },
  model: { kind: 'mlp', hidden: [16] },
  loss: { kind: 'softmax_ce' },
  optimizer: { kind: 'sgd', lr: 0.1 },
  // 10 clients, 5 per host, 8 in flight: at least 3 are on each host at any time.
  algorithm: { kind: 'fedbuff', rounds: ROUNDS, clients: 10, concurrency: 8, bufferSize: 2, batchSize: 20 },
  eval: { every: 1000 },
};

describe('fedbuff over a cluster when a worker host is killed', () => {
  it('counts its clients in flight as dropped and finishes on the other host', async () => {
    const dir = tempDir();
    const file = join(dir, 'buff.yaml');
    writeFileSync(file, JSON.stringify(config));
    const out = join(dir, 'out');
    const address = `tcp://127.0.0.1:${testPort(96)}`;
    const server = startStarling(['server', file, '--bind', address, '--hosts', '2', '--out', out, '--json']);
    await waitFor(() => server.err().includes('listening on'), 120_000, 'server to listen');
    const worker = (id: string) => startStarling(['worker', '--connect', address, '--host-id', id, '--threads', '1']);
    const a = worker('a');
    const b = worker('b');
    await waitFor(() => metrics(out).length >= 3, 120_000, 'three server updates');
    b.child.kill('SIGKILL');
    const code = await server.exit;
    await a.exit;
    expect(code, server.err()).toBe(0);
    const lines = metrics(out);
    expect(lines).toHaveLength(ROUNDS);
    expect(lines.every((l) => l.participants === 2 && l.aggregated === true)).toBe(true);
    const dropped = lines.reduce((n, l) => n + (l.dropped as number), 0);
    expect(dropped).toBeGreaterThanOrEqual(1);
    expect(dropped).toBeLessThanOrEqual(5); // only host b's clients, each lost once
    const summary = JSON.parse(server.out());
    expect(summary.rounds).toBe(ROUNDS);
    expect(Number.isFinite(summary.test_loss)).toBe(true);
  }, 180_000);
});
