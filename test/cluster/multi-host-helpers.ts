import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';
import { metrics, waitFor } from '../e2e/e2e-helpers.js';
import { smallGossip } from '../gossip/gossip-helpers.js';
import type { LinkCap, NetnsCluster } from './netns-cluster.js';

/** Rounds of {@link FEDAVG}. */
export const ROUNDS = 8;

/**
 * FedAvg on the bundled digits: 10 clients of 50 examples (5 steps of 10), a 50,890-parameter 784-64-10
 * MLP (203,560 bytes per update), 8 rounds: little compute for many bytes, so a link cap shows.
 */
export const FEDAVG = [
  'experiments/fedavg-mnist-iid.yaml',
  ...['algorithm.clients=10', 'algorithm.fraction=1', 'model.hidden=[64]', 'data.limit=500'],
  ...[`algorithm.rounds=${ROUNDS}`, 'eval.every=4'],
].flatMap((a) => (a.endsWith('.yaml') ? [a] : ['--set', a]));

/** D-PSGD (atc) on a ring of 4 peers over synthetic blobs, 6 rounds; two peers per host on two hosts. */
export const GOSSIP = [...smallGossip('experiments/dpsgd-ring-16.yaml'), '--set', 'algorithm.peers=4'];

/** The bandwidth cap put on one machine's link (both directions). */
export const CAP: LinkCap = { rate: '20mbit', burst: '32kbit', latency: '400ms' };
/** {@link CAP}'s rate in bits per second. */
export const CAP_BITS_PER_S = 20e6;

/** `starling run` of the same experiment in one process: the bits every multi-host run must end on. */
export function inlineHash(args: readonly string[]): string {
  const out = join(tempDir(), 'run');
  const r = starling(['run', ...args, '--set', 'runtime={kind: inline}', '--out', out, '--json'], {
    STARLING_KERNELS: 'js',
  });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).model_sha256;
}

/** Seconds between consecutive rounds' metrics lines (round 0 includes start-up, so it is left out). */
export const roundTimes = (lines: Record<string, unknown>[]) =>
  lines.slice(1).map((l, i) => (l.time_s as number) - (lines[i].time_s as number));

/** The middle value (the upper one of an even count). */
export const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** How one multi-host run is launched: the host kind and the flags that give each process its identity. */
export interface ClusterRun {
  readonly kind: 'worker' | 'peer';
  readonly experiment: readonly string[];
  /** Extra flags of `starling server` (keys, `--insecure`). */
  readonly serverFlags: readonly string[];
  /** Identity flags of the host on machine `id` (`--host-id`, or `--key`/`--server-key`). */
  readonly hostFlags: (id: string) => readonly string[];
}

/**
 * `starling server` (parameter server or gossip coordinator) on machine `server`, listening on its
 * address, and one `starling worker` / `starling peer` with one thread on each of `w1` and `w2`.
 * Waits for every process to exit, expects exit code 0 from all, and returns the server's summary
 * and metrics lines.
 */
export async function runOnMachines(cluster: NetnsCluster, run: ClusterRun, port = 7000) {
  const endpoint = `tcp://${cluster.address('server')}:${port}`;
  const out = join(tempDir(), 'run');
  const server = cluster.starling('server', [
    'server',
    ...run.experiment,
    ...['--bind', endpoint, '--hosts', '2', '--out', out, '--json', ...run.serverFlags],
  ]);
  await waitFor(
    () => server.err().includes('listening on') || server.child.exitCode !== null,
    90_000,
    'server to listen',
  );
  expect(server.child.exitCode, server.err()).toBe(null);
  const hosts = ['w1', 'w2'].map((id) => {
    // a gossip host receives on its own address (0.0.0.0 would be advertised as the host name,
    // which every namespace shares)
    const bind = run.kind === 'peer' ? ['--bind', `tcp://${cluster.address(id)}:*`] : [];
    return cluster.starling(id, [run.kind, '--connect', endpoint, '--threads', '1', ...bind, ...run.hostFlags(id)]);
  });
  const code = await server.exit;
  const hostCodes = await Promise.all(hosts.map((h) => h.exit));
  expect(code, server.err()).toBe(0);
  expect(hostCodes, hosts.map((h) => h.err()).join('\n')).toEqual([0, 0]);
  return {
    summary: JSON.parse(server.out()),
    lines: metrics(out),
    log: readFileSync(join(out, 'run.log'), 'utf8'),
    links: JSON.parse(readFileSync(join(out, 'links.json'), 'utf8')),
    serverErr: server.err(),
  };
}
