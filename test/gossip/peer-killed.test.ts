import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../cli/cli-helpers.js';
import { metrics, startStarling, testPort, waitFor } from '../e2e/e2e-helpers.js';

describe('a gossip peer killed mid-run', () => {
  it('SIGKILL of one of 16 peer processes on a ring: its neighbours drop it from their averages and every other peer finishes', async () => {
    const address = `tcp://127.0.0.1:${testPort(61)}`;
    const out = join(tempDir(), 'run');
    const rounds = 300;
    const coordinator = startStarling([
      'server',
      'experiments/consensus-ring-16.yaml',
      '--set',
      `algorithm.rounds=${rounds}`,
      '--set',
      'data.d=1023',
      '--set',
      'eval.every=5',
      '--bind',
      address,
      '--hosts',
      '16',
      '--out',
      out,
      '--json',
    ]);
    await waitFor(() => coordinator.err().includes('listening on'), 30_000, 'coordinator to listen');
    const ids = Array.from({ length: 16 }, (_, i) => `p-${String(i).padStart(2, '0')}`);
    const peers = ids.map((id) =>
      startStarling(['peer', '--connect', address, '--host-id', id, '--bind', 'tcp://127.0.0.1:*', '--threads', '1']),
    );
    await waitFor(() => metrics(out).length >= 10, 60_000, 'ten rounds');
    peers[5].child.kill('SIGKILL'); // host p-05 carries node 5 (hosts are sorted by id)
    expect(await coordinator.exit).toBe(0);
    const codes = await Promise.all(peers.map((p) => p.exit));
    expect(codes.filter((_, i) => i !== 5)).toEqual(Array(15).fill(0));

    const lines = metrics(out);
    expect(lines).toHaveLength(rounds);
    const killedAt = lines.findIndex((l) => l.failures === 1);
    expect(killedAt).toBeGreaterThan(0);
    expect(killedAt).toBeLessThan(rounds - 20); // the kill landed mid-run
    const after = lines.slice(killedAt + 1);
    expect(after.every((l) => l.participants === 15 && l.failures === 1)).toBe(true);
    // nodes 4 and 6 leave node 5 out of every later average (they may still have used the value it sent
    // just before it died, in the round or two its report never reached the coordinator)
    expect(after.slice(2).every((l) => l.dropped_neighbours === 2)).toBe(true);
    expect(after.every((l) => (l.dropped_neighbours as number) <= 2)).toBe(true);
    // and the 15 survivors keep mixing: their disagreement keeps shrinking on the 15-node path
    const errors = after.map((l) => l.consensus_error).filter((e): e is number => typeof e === 'number');
    expect(errors.at(-1)).toBeLessThan(errors[0] * 0.05);
    expect(JSON.parse(coordinator.out()), coordinator.out()).toMatchObject({ peers_lost: 1, rounds });
  }, 90_000);
});
