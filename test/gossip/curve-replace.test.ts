import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../cli/cli-helpers.js';
import { allowList, generateKeys, hostKeyFlags } from '../e2e/curve-helpers.js';
import { metrics, startStarling, testPort, waitFor } from '../e2e/e2e-helpers.js';

// A replacement gossip peer under CURVE (runtime.security, docs/security.md): 4 `starling peer` hosts with
// allow-listed keys on a ring; p-3 is SIGKILLed after the first checkpoint and p-5 (another allow-listed
// key) takes its peer over. Its gossip links are CURVE links too: the `moved` message carries its public
// key to the other hosts, and the run only finishes with every peer reporting again if they accepted it.

describe('a replacement gossip peer under CURVE', () => {
  it('SIGKILL of one of 4 keyed peers, then a new allow-listed peer takes it over and every peer reports again', async () => {
    const dir = tempDir('starling-curve-gossip-replace-');
    const names = ['p-1', 'p-2', 'p-3', 'p-4', 'p-5'];
    const keys = generateKeys(dir, ['server', ...names]);
    const allow = allowList(dir, keys, names);
    const out = join(dir, 'run');
    const rounds = 3000; // enough that the run is still going when the replacement has started (consensus rounds take ~10 ms)
    const address = `tcp://127.0.0.1:${testPort(89)}`;
    const sets = ['algorithm.peers=4', `algorithm.rounds=${rounds}`, 'data.d=1023', 'eval.every=25'];
    const coordinator = startStarling([
      'server',
      'experiments/consensus-ring-16.yaml',
      ...sets.flatMap((s) => ['--set', s]),
      '--bind',
      address,
      '--hosts',
      '4',
      '--out',
      out,
      '--json',
      '--key',
      join(keys, 'server.key_secret'),
      '--allow',
      allow,
    ]);
    await waitFor(() => coordinator.err().includes('listening on'), 60_000, 'coordinator to listen');
    const peer = (name: string) =>
      startStarling([
        'peer',
        '--connect',
        address,
        '--bind',
        'tcp://127.0.0.1:*',
        '--threads',
        '1',
        ...hostKeyFlags(keys, name),
      ]);
    const peers = names.slice(0, 4).map(peer);
    await waitFor(
      () => existsSync(join(out, 'checkpoints', 'round-000009.ckpt')),
      120_000,
      'the checkpoint of round 9',
    );
    peers[2]!.child.kill('SIGKILL'); // p-3 carries node 2 (hosts sorted by id)
    await waitFor(() => metrics(out).some((l) => l.failures === 1), 60_000, 'the loss to be recorded');
    const replacement = peer('p-5');
    expect(await coordinator.exit, coordinator.err()).toBe(0);
    expect(await replacement.exit, replacement.err()).toBe(0);
    const lines = metrics(out);
    expect(lines).toHaveLength(rounds);
    const backAt = lines.findIndex((l) => l.peers_back === 1);
    expect(backAt).toBeGreaterThan(0);
    expect(lines.slice(backAt).every((l) => l.participants === 4 && l.failures === 0)).toBe(true);
    // its neighbours mix it in again over the CURVE links (no neighbour left out once it is back)
    expect(lines.slice(backAt + 2).every((l) => l.dropped_neighbours === 0)).toBe(true);
    const log = readFileSync(join(out, 'run.log'), 'utf8');
    expect(log).toContain('replacement gossip host admitted');
    expect(JSON.parse(coordinator.out())).toMatchObject({ peers_lost: 1, peers_back: 1, rounds });
  }, 240_000);
});
