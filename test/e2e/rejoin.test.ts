import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../cli/cli-helpers.js';
import { metrics, smallFedAvg, startStarling, testPort, waitFor } from './e2e-helpers.js';

describe('liveness', () => {
  it('a frozen worker is dropped in about two seconds, then re-registers by itself and trains again', async () => {
    const port = testPort(3);
    const out = join(tempDir(), 'run');
    const server = startStarling([
      'server',
      ...smallFedAvg,
      '--set',
      'algorithm.rounds=150',
      '--set',
      'eval.every=1000',
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
    await waitFor(() => metrics(out).length >= 3, 60_000, 'three rounds');
    b.child.kill('SIGSTOP');
    const frozenAt = metrics(out).length;
    await waitFor(
      () => metrics(out).some((l, i) => i >= frozenAt && (l.failures as number) > 0),
      10_000,
      'the frozen host to be dropped',
    );
    const droppedAt = metrics(out).length;
    b.child.kill('SIGCONT');
    // Back with all 10 nodes: a round after the drop where every node answered again.
    await waitFor(
      () => metrics(out).some((l, i) => i > droppedAt && l.participants === 10 && l.failures === 0),
      30_000,
      'the host to rejoin',
    );
    expect(await server.exit).toBe(0);
    await Promise.all([a.exit, b.exit]);
    const lines = metrics(out);
    expect(lines).toHaveLength(150);
    expect(lines.some((l) => l.participants === 5)).toBe(true); // rounds ran on the survivor alone
  });
});
