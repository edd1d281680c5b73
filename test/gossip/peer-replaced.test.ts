import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../cli/cli-helpers.js';
import { metrics, startStarling, testPort, waitFor } from '../e2e/e2e-helpers.js';

type Line = Record<string, unknown>;

/** A coordinator (`starling server`) for `peers` consensus peers on a ring, and one `starling peer` per id. */
function startRun(port: number, peers: number, rounds: number, out: string, sets: string[] = []) {
  const address = `tcp://127.0.0.1:${testPort(port)}`;
  const coordinator = startStarling([
    'server',
    'experiments/consensus-ring-16.yaml',
    '--set',
    `algorithm.peers=${peers}`,
    '--set',
    `algorithm.rounds=${rounds}`,
    '--set',
    'data.d=1023',
    '--set',
    'eval.every=5',
    '--bind',
    address,
    '--hosts',
    String(peers),
    '--out',
    out,
    '--json',
    ...sets,
  ]);
  const peer = (id: string) =>
    startStarling(['peer', '--connect', address, '--host-id', id, '--bind', 'tcp://127.0.0.1:*', '--threads', '1']);
  return { coordinator, peer };
}

/** Checks the rounds around a replacement: lost from some round, back (all peers) from a later one. */
function checkReplaced(lines: Line[], peers: number, rounds: number) {
  expect(lines).toHaveLength(rounds);
  const lostAt = lines.findIndex((l) => l.failures === 1);
  const backAt = lines.findIndex((l) => l.peers_back === 1);
  expect(lostAt).toBeGreaterThan(0);
  expect(backAt).toBeGreaterThan(lostAt);
  expect(lines.slice(lostAt, backAt).every((l) => l.participants === peers - 1)).toBe(true);
  const after = lines.slice(backAt);
  expect(after.every((l) => l.participants === peers && l.failures === 0)).toBe(true);
  // the neighbours of the replaced node mix it in again (no neighbour left out once it is back)
  expect(after.slice(2).every((l) => l.dropped_neighbours === 0)).toBe(true);
  // and the disagreement that the stale replacement brought shrinks again (down to float32 rounding)
  const errors = after.map((l) => l.consensus_error).filter((e): e is number => typeof e === 'number');
  expect(errors.at(-1)).toBeLessThan(Math.max(errors[0] * 0.05, 1e-10));
  return { lostAt, backAt };
}

describe('a gossip peer replaced after the start', () => {
  it('SIGKILL of one of 16 peer processes, then a new `starling peer` (another id): it takes the lost peer over and every peer reports again', async () => {
    const out = join(tempDir(), 'run');
    const rounds = 600;
    const { coordinator, peer } = startRun(63, 16, rounds, out);
    await waitFor(() => coordinator.err().includes('listening on'), 30_000, 'coordinator to listen');
    const ids = Array.from({ length: 16 }, (_, i) => `p-${String(i).padStart(2, '0')}`);
    const peers = ids.map(peer);
    // after the first checkpoint (round 9, checkpoint.every = 10): the replacement starts from it
    const first = join(out, 'checkpoints', 'round-000009.ckpt');
    await waitFor(() => existsSync(first), 120_000, 'the checkpoint of round 9');
    peers[5].child.kill('SIGKILL'); // host p-05 carries node 5 (hosts are sorted by id)
    await waitFor(() => metrics(out).some((l) => l.failures === 1), 60_000, 'the loss to be recorded');
    const replacement = peer('p-05-new');
    expect(await coordinator.exit).toBe(0);
    expect(await replacement.exit).toBe(0);
    const codes = await Promise.all(peers.map((p) => p.exit));
    expect(codes.filter((_, i) => i !== 5)).toEqual(Array(15).fill(0));

    checkReplaced(metrics(out), 16, rounds);
    const log = readFileSync(join(out, 'run.log'), 'utf8');
    expect(log).toContain('replacement gossip host admitted');
    expect(log).toMatch(/"source":"its state in the checkpoint of round \d+".*replacement peer starts/);
    expect(JSON.parse(coordinator.out())).toMatchObject({ peers_lost: 1, peers_back: 1, rounds });
  }, 240_000);

  it('a host killed and started again with its own id takes its peers back', async () => {
    const out = join(tempDir(), 'run');
    const rounds = 1500;
    // no checkpoint: the returning peer starts from a neighbour's model
    const { coordinator, peer } = startRun(64, 4, rounds, out, ['--set', 'checkpoint.every=0']);
    await waitFor(() => coordinator.err().includes('listening on'), 30_000, 'coordinator to listen');
    const ids = ['q-0', 'q-1', 'q-2', 'q-3'];
    const peers = ids.map(peer);
    await waitFor(() => metrics(out).length >= 10, 60_000, 'ten rounds');
    peers[2].child.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    const again = peer('q-2');
    expect(await coordinator.exit).toBe(0);
    expect(await again.exit).toBe(0);
    checkReplaced(metrics(out), 4, rounds);
    const log = readFileSync(join(out, 'run.log'), 'utf8');
    expect(log).toMatch(
      /"source":"neighbour [13]'s model of round \d+, with a fresh optimizer".*replacement peer starts/,
    );
    expect(JSON.parse(coordinator.out())).toMatchObject({ peers_lost: 1, peers_back: 1, rounds });
  }, 150_000);
});
