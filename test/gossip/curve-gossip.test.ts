import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';
import { allowList, generateKeys, hostKeyFlags, runFiles } from '../e2e/curve-helpers.js';
import { startStarling, testPort, waitFor } from '../e2e/e2e-helpers.js';

// A rogue `starling peer` that connects first, with an id that sorts first (so it would carry node 0),
// against a gossip run of two real peer processes: with CURVE it cannot join; without it (the control)
// it takes node 0 and a real host is turned away, which is what the CURVE run's checks would catch.

const run = ['experiments/consensus-ring-16.yaml', '--set', 'algorithm.rounds=30', '--set', 'data.d=1023'];

let dir: string;
let keys: string;
let inlineSha: string;

beforeAll(() => {
  dir = tempDir('starling-curve-gossip-');
  keys = generateKeys(dir, ['server', 'p1', 'p2', 'a-rogue']);
  const r = starling(['run', ...run, '--out', join(dir, 'inline'), '--json', '--quiet'], { STARLING_KERNELS: 'js' });
  expect(r.code, r.stderr).toBe(0);
  inlineSha = JSON.parse(r.stdout).model_sha256;
}, 60_000);

function peer(address: string, flags: string[]) {
  return startStarling(['peer', '--connect', address, '--bind', 'tcp://127.0.0.1:*', '--threads', '1', ...flags]);
}

describe('a rogue gossip peer', () => {
  it.each([
    ['with CURVE: a peer without an allow-listed key cannot join; the real hosts get every node', true],
    ['control, no CURVE: the rogue joins first, takes node 0 and turns a real host away', false],
  ])(
    '%s',
    async (_name, curve) => {
      const out = join(dir, curve ? 'curve' : 'control');
      const address = `tcp://127.0.0.1:${testPort(curve ? 87 : 88)}`;
      const security = curve
        ? ['--key', join(keys, 'server.key_secret'), '--allow', allowList(dir, keys, ['p1', 'p2'])]
        : [];
      const coordinator = startStarling([
        'server',
        ...run,
        '--bind',
        address,
        '--hosts',
        '2',
        '--out',
        out,
        '--json',
        ...security,
      ]);
      await waitFor(() => coordinator.err().includes('listening on'), 60_000, 'coordinator to listen');
      const rogue = peer(address, [
        ...(curve ? [...hostKeyFlags(keys, 'a-rogue'), '--server-wait-s', '4'] : ['--host-id', 'a-rogue']),
        '--log-level',
        'info',
      ]);
      // The rogue dials first: with CURVE its handshake is given a moment to be refused; without, it joins.
      await waitFor(() => rogue.err().includes('gossip host started'), 60_000, 'the rogue to start');
      if (curve) await new Promise((r) => setTimeout(r, 1000));
      else await waitFor(() => runFiles(out).log.includes('"host":"a-rogue"'), 60_000, 'the rogue to join');
      const real = ['p1', 'p2'].map((p) => peer(address, curve ? hostKeyFlags(keys, p) : ['--host-id', p]));
      expect(await coordinator.exit, coordinator.err()).toBe(0);
      const rogueCode = await rogue.exit;
      await Promise.all(real.map((p) => p.exit));
      const { summary, links, log } = runFiles(out);
      const owner = (node: number) => Object.keys(links.hosts).find((h) => links.hosts[h].nodes.includes(node));
      if (curve) {
        expect(Object.keys(links.hosts).sort()).toEqual(['p1', 'p2']);
        expect(owner(0)).toBe('p1');
        expect(summary.model_sha256).toBe(inlineSha);
        expect(log).not.toContain('a-rogue');
        expect(rogueCode, rogue.err()).toBe(1); // it never heard from the coordinator and gave up
        expect(rogue.err()).toMatch(/no coordinator at tcp:\/\/127\.0\.0\.1:\d+ for 4 s/);
      } else {
        expect(owner(0)).toBe('a-rogue');
        expect(Object.keys(links.hosts)).toHaveLength(2); // one of p1, p2 was turned away
        expect(rogueCode, rogue.err()).toBe(0);
      }
    },
    120_000,
  );
});
