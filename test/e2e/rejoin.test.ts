import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../cli/cli-helpers.js';
import { metrics, startCluster, waitFor } from './e2e-helpers.js';

describe('liveness', () => {
  it('a frozen worker is dropped in about two seconds, then re-registers by itself and trains again', async () => {
    const out = join(tempDir(), 'run');
    const { server, workers } = await startCluster(3, ['a', 'b'], ['algorithm.rounds=150', 'eval.every=1000'], out);
    const [a, b] = [workers.a, workers.b];
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
