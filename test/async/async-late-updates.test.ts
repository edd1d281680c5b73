// An asynchronous server over sockets facing duplicate, unknown-ticket and foreign-node updates from a
// protocol-only worker (fixtures/replay-worker.mjs): each is refused and counted, nothing crashes, and
// every server update is applied from the genuine answers.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repo, tempDir } from '../cli/cli-helpers.js';
import { metrics, startStarling, testPort, waitFor } from '../e2e/e2e-helpers.js';

const config = {
  name: 'buff-replay',
  seed: 2,
  data: { kind: 'mnist', limit: 600, testFraction: 0.2 },
  model: { kind: 'mlp', hidden: [8] },
  loss: { kind: 'softmax_ce' },
  optimizer: { kind: 'sgd', lr: 0.1 },
  algorithm: { kind: 'fedbuff', rounds: 6, clients: 4, concurrency: 2, bufferSize: 2, batchSize: 20 },
};

describe('fedbuff over sockets with late and duplicate updates', () => {
  it('refuses and counts every answer that is not for a ticket in flight, and finishes', async () => {
    const dir = tempDir();
    const file = join(dir, 'buff.yaml');
    writeFileSync(file, JSON.stringify(config));
    const out = join(dir, 'out');
    const address = `tcp://127.0.0.1:${testPort(97)}`;
    const server = startStarling(['server', file, '--bind', address, '--hosts', '1', '--out', out, '--json']);
    await waitFor(() => server.err().includes('listening on'), 120_000, 'server to listen');
    const worker = spawn(process.execPath, [join(repo, 'test/async/fixtures/replay-worker.mjs'), address, 'replay'], {
      cwd: repo,
    });
    let said = '';
    worker.stdout.on('data', (d) => (said += d));
    const workerExit = new Promise<number | null>((resolve) => worker.once('exit', resolve));
    const code = await server.exit;
    if (code !== 0) worker.kill('SIGTERM');
    expect(code, server.err()).toBe(0);
    expect(await workerExit).toBe(0);
    const lines = metrics(out);
    expect(lines).toHaveLength(6);
    expect(lines.every((l) => l.participants === 2 && l.aggregated === true)).toBe(true);
    // Each genuine answer came with a duplicate and an unknown ticket: both late (the run may end
    // before the last ones arrive). The foreign-node update is refused before the loop (wrong host).
    const late = lines.reduce((n, l) => n + (l.late as number), 0);
    expect(late).toBeGreaterThanOrEqual(2 * 10);
    const { tasks } = JSON.parse(said);
    expect(tasks).toBeGreaterThanOrEqual(12);
    const links = JSON.parse(readFileSync(join(out, 'links.json'), 'utf8'));
    expect(links.rejected.update).toBeGreaterThanOrEqual(3 * 10);
    const summary = JSON.parse(server.out());
    expect(Number.isFinite(summary.test_loss)).toBe(true);
    expect(summary.refused_bytes).toBeGreaterThan(0);
  }, 180_000);
});
