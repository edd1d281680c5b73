import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../cli/cli-helpers.js';
import { metrics, startStarling, testPort, waitFor } from '../e2e/e2e-helpers.js';

const PEERS = 6;
const ROUNDS = 40;

describe('a gossip peer killed during start-up', () => {
  it('D-PSGD ring: the coordinator announces it lost, so later rounds run at normal speed, not one 30 s deadline each', async () => {
    const address = `tcp://127.0.0.1:${testPort(77)}`;
    const out = join(tempDir(), 'run');
    const coordinator = startStarling([
      'server',
      'experiments/dpsgd-ring-16.yaml',
      '--set',
      `algorithm.peers=${PEERS}`,
      '--set',
      `algorithm.rounds=${ROUNDS}`,
      '--set',
      'eval.every=1000',
      '--bind',
      address,
      '--hosts',
      String(PEERS),
      '--out',
      out,
      '--json',
    ]);
    await waitFor(() => coordinator.err().includes('listening on'), 90_000, 'coordinator to listen');
    const peers = Array.from({ length: PEERS }, (_, i) =>
      startStarling([
        'peer',
        ...['--connect', address, '--host-id', `p-${i}`, '--bind', 'tcp://127.0.0.1:*', '--threads', '1'],
        ...['--log-level', 'info'],
      ]),
    );
    // p-3 carries node 3; it dies right after its welcome, while its pool thread still loads the data for
    // its first local steps, so no gossip from it ever reached a neighbour: their links never knew it
    await waitFor(() => peers[3].err().includes('gossip peers starting'), 180_000, 'p-3 to be welcomed');
    peers[3].child.kill('SIGKILL');
    expect(await coordinator.exit, coordinator.err()).toBe(0);
    const codes = await Promise.all(peers.map((p) => p.exit));
    expect(codes.filter((_, i) => i !== 3)).toEqual(Array(PEERS - 1).fill(0));

    const lines = metrics(out);
    expect(lines).toHaveLength(ROUNDS);
    expect(lines.every((l) => l.participants === PEERS - 1 && l.failures === 1)).toBe(true);
    // the kill came before node 3's first report: its neighbours 2 and 4 never mixed it in
    expect(lines.every((l) => l.dropped_neighbours === 2)).toBe(true);
    // wall time per round once the loss is known (round 1 on): far below the 30 s round deadline
    const time = lines.map((l) => l.time_s as number);
    const perRound = (time[ROUNDS - 1] - time[1]) / (ROUNDS - 2);
    expect(perRound).toBeLessThan(2);
    expect(time[ROUNDS - 1] - time[1]).toBeLessThan(30); // all later rounds together take less than one deadline
    expect(JSON.parse(coordinator.out())).toMatchObject({ peers_lost: 1, rounds: ROUNDS });
  }, 400_000);
});
