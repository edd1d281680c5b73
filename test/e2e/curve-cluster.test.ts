import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';
import { allowList, generateKeys, hostKeyFlags, runFiles, startImpostor } from './curve-helpers.js';
import { smallFedAvg, startStarling, testPort, waitFor } from './e2e-helpers.js';

// Real `starling server` and `starling worker` processes on 127.0.0.1, with keys from
// `starling keys generate`: CURVE changes no bit of the model, and hosts without an allow-listed key,
// or with one but another host's id, get nothing.

/** The small FedAvg run, 8 rounds (the inline reference takes the same overrides). */
const run = [...smallFedAvg, '--set', 'algorithm.rounds=8'];

let dir: string;
let keys: string;
let allow: string;
let inlineSha: string;

beforeAll(() => {
  dir = tempDir('starling-curve-');
  keys = generateKeys(dir, ['server', 'w1', 'w2', 'rogue']);
  allow = allowList(dir, keys, ['w1', 'w2']);
  const r = starling(['run', ...run, '--out', join(dir, 'inline'), '--json', '--quiet'], { STARLING_KERNELS: 'js' });
  expect(r.code, r.stderr).toBe(0);
  inlineSha = JSON.parse(r.stdout).model_sha256;
}, 120_000);

/** `starling server` for the small FedAvg run on a test port, waiting for `hosts` workers. */
async function server(port: number, hosts: number, out: string, extra: string[]) {
  const address = `tcp://127.0.0.1:${testPort(port)}`;
  const s = startStarling([
    'server',
    ...run,
    '--bind',
    address,
    '--hosts',
    String(hosts),
    '--out',
    out,
    '--json',
    ...extra,
  ]);
  await waitFor(() => s.err().includes('listening on'), 90_000, 'server to listen');
  return { s, address };
}

function worker(address: string, extra: string[]) {
  return startStarling(['worker', '--connect', address, '--threads', '1', ...extra]);
}

const secure = () => ['--key', join(keys, 'server.key_secret'), '--allow', allow];

describe('starling server with CURVE (--key, --allow)', () => {
  it('a CURVE FedAvg run with two keyed workers ends on the inline model bits', async () => {
    const out = join(dir, 'curve');
    const { s, address } = await server(81, 2, out, secure());
    const ws = ['w1', 'w2'].map((w) => worker(address, hostKeyFlags(keys, w)));
    expect(await s.exit, s.err()).toBe(0);
    expect(await Promise.all(ws.map((w) => w.exit))).toEqual([0, 0]);
    expect(JSON.parse(s.out()).model_sha256).toBe(inlineSha);
    const { links, log } = runFiles(out);
    expect(Object.keys(links.links).sort()).toEqual(['w1', 'w2']); // host ids are the keys' names
    expect(log).toContain('CURVE on');
  }, 180_000);

  it.each([
    ['with CURVE: a worker whose key is not allow-listed never registers and hears nothing', true],
    ['control, no CURVE: the same worker registers and trains (the check above can fail)', false],
  ])(
    '%s',
    async (_name, curve) => {
      const out = join(dir, curve ? 'unlisted' : 'unlisted-control');
      const { s, address } = await server(curve ? 82 : 83, 1, out, curve ? secure() : []);
      const rogue = worker(
        address,
        curve ? [...hostKeyFlags(keys, 'rogue'), '--server-wait-s', '5'] : ['--host-id', 'rogue'],
      );
      if (curve) {
        // The handshake is refused: the worker never hears a byte from the server (not even a heartbeat)
        // and gives up; the server, still waiting for its one host, never saw one. Then it is stopped.
        expect(await rogue.exit, rogue.err()).toBe(1);
        expect(rogue.err()).toMatch(/no server at tcp:\/\/127\.0\.0\.1:\d+ for 5 s/);
        s.child.kill('SIGTERM');
        expect(await s.exit, s.err()).toBe(130);
        const { summary, links, log } = runFiles(out);
        expect(log).toContain('CURVE on');
        expect(log).not.toContain('rogue');
        expect(log).not.toContain('host joined');
        expect(links).toBeNull();
        expect(summary).toBeNull();
      } else {
        expect(await rogue.exit, rogue.err()).toBe(0);
        expect(await s.exit, s.err()).toBe(0);
        const { summary, links, log } = runFiles(out);
        expect(log).toContain('"host":"rogue"');
        expect(Object.keys(links.links)).toEqual(['rogue']);
        expect(summary.model_sha256).toBe(inlineSha);
      }
    },
    180_000,
  );

  it('an allow-listed worker cannot take another listed host id', async () => {
    // On the command line: a --host-id other than the key's name is a usage error.
    const cli = starling(['worker', '--connect', 'tcp://127.0.0.1:1', ...hostKeyFlags(keys, 'w1'), '--host-id', 'w2']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('--host-id w2 differs from the name of the key in');
    // On the wire: a process holding w1's real key claims w2's routing id before the real w2 connects.
    const out = join(dir, 'impostor');
    const { s, address } = await server(84, 2, out, secure());
    const impostor = startImpostor({
      connect: address,
      keyFile: join(keys, 'w1.key_secret'),
      serverKeyFile: join(keys, 'server.key'),
      claim: 'w2',
    });
    await waitFor(() => impostor.out().includes('started'), 60_000, 'the impostor to start');
    // its claim reaches the server (and is refused) before the real hosts start
    await waitFor(() => runFiles(out).log.includes('"reason":"unauthenticated"'), 60_000, 'the claim to be refused');
    const ws = ['w1', 'w2'].map((w) => worker(address, hostKeyFlags(keys, w)));
    const code = await s.exit;
    const fake = await impostor.stop();
    expect(code, s.err()).toBe(0);
    expect(await Promise.all(ws.map((w) => w.exit))).toEqual([0, 0]);
    expect(fake.code, fake.out).toBe(0);
    expect(fake.received, fake.out).toBe(0); // no welcome, no task, no heartbeat
    const { summary, links, log } = runFiles(out);
    expect(summary.model_sha256).toBe(inlineSha);
    expect(Object.keys(links.links).sort()).toEqual(['w1', 'w2']);
    expect(log.match(/"msg":"host joined"/g)).toHaveLength(2);
    // the server saw the claim and refused it as unauthenticated (its TAG is not w2's)
    expect(log).toMatch(/"routingId":"w2~[^"]+","reason":"unauthenticated"/);
  }, 180_000);
});

describe('refusing to listen openly', () => {
  it('a cluster bind on every interface without CURVE is refused (exit 2), and leaves no run folder', () => {
    const out = join(dir, 'open');
    const r = starling(['server', ...run, '--bind', `tcp://*:${testPort(85)}`, '--out', out, '--quiet']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('runtime.bind must be a loopback address');
    expect(r.stderr).toContain('anyone who can reach it can register as a host');
    expect(r.stderr).toContain('--insecure');
    expect(runFiles(out).log).toBe('');
  });

  it('--insecure listens anyway with a warning naming what is exposed', async () => {
    const out = join(dir, 'insecure');
    const address = `tcp://0.0.0.0:${testPort(86)}`;
    const s = startStarling(['server', ...run, '--bind', address, '--insecure', '--out', out, '--quiet']);
    await waitFor(() => s.err().includes('listening on'), 90_000, 'server to listen');
    s.child.kill('SIGTERM');
    expect(await s.exit, s.err()).toBe(130);
    const warning = `insecure: listening on ${address} without CURVE: anyone who can reach it can register as a host, read the model and the data indices it is sent each round, and poison the model`;
    expect(s.err()).toContain(warning);
    expect(runFiles(out).log).toContain(warning);
  }, 180_000);
});
