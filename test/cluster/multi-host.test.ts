import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';
import { metrics, waitFor } from '../e2e/e2e-helpers.js';
import { smallGossip } from '../gossip/gossip-helpers.js';
import { listNamespaces, netnsUnavailable } from './netns.js';
import { type LinkCap, NetnsCluster } from './netns-cluster.js';

const unavailable = netnsUnavailable();
if (unavailable) console.warn(`multi-host tests in network namespaces are skipped: ${unavailable}`);

const ROUNDS = 8;
/** FedAvg on the bundled digits, 10 clients of 300 examples, a 25,450-parameter 784-32-10 MLP. */
const FEDAVG = [
  'experiments/fedavg-mnist-iid.yaml',
  ...['algorithm.clients=10', 'algorithm.fraction=1', 'model.hidden=[32]', 'data.limit=3000'],
  ...[`algorithm.rounds=${ROUNDS}`, 'eval.every=4'],
].flatMap((a) => (a.endsWith('.yaml') ? [a] : ['--set', a]));
/** D-PSGD on a ring of 4 peers, two per host. */
const GOSSIP = [...smallGossip('experiments/dpsgd-ring-16.yaml'), '--set', 'algorithm.peers=4'];
const CAP: LinkCap = { rate: '20mbit', burst: '32kbit', latency: '400ms' };
const CAP_BITS_PER_S = 20e6;
const PORT = 7000;

/** `starling run` of the same experiment in one process: the bits every multi-host run must end on. */
function inline(args: readonly string[]) {
  const r = starling(['run', ...args, '--set', 'runtime={kind: inline}', '--out', join(tempDir(), 'run'), '--json'], {
    STARLING_KERNELS: 'js',
  });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** Seconds between consecutive rounds' metrics lines (round 0 includes start-up, so it is left out). */
const roundTimes = (lines: Record<string, unknown>[]) =>
  lines.slice(1).map((l, i) => (l.time_s as number) - (lines[i].time_s as number));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe.skipIf(unavailable !== '')(
  `multi-host runs in network namespaces${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    let cluster: NetnsCluster;
    let insecure: string[] = [];
    const reference: { fedavg?: string; gossip?: string } = {};

    beforeAll(() => {
      cluster = NetnsCluster.create(['server', 'w1', 'w2']);
      // cluster mode may refuse a non-loopback bind without keys unless --insecure (issue 14)
      insecure = starling(['server', '--help']).stdout.includes('--insecure') ? ['--insecure'] : [];
      reference.fedavg = inline(FEDAVG).model_sha256;
      reference.gossip = inline(GOSSIP).model_sha256;
    }, 180_000);

    afterAll(() => {
      const made = cluster?.namespaces() ?? [];
      cluster?.destroy();
      expect(listNamespaces().filter((ns) => made.includes(ns))).toEqual([]);
    });

    /** The server (or gossip coordinator) in `server`, one host per other machine; waits for all to exit. */
    async function runCluster(kind: 'worker' | 'peer', experiment: readonly string[], hostFlags: string[] = []) {
      const endpoint = `tcp://${cluster.address('server')}:${PORT}`;
      const out = join(tempDir(), 'run');
      const server = cluster.starling('server', [
        'server',
        ...experiment,
        ...['--bind', endpoint, '--hosts', '2', '--out', out, '--json', ...insecure],
      ]);
      await waitFor(() => server.err().includes('listening on'), 90_000, 'server to listen');
      const hosts = ['w1', 'w2'].map((id) => {
        const bind = kind === 'peer' ? ['--bind', `tcp://${cluster.address(id)}:*`] : [];
        return cluster.starling(id, [
          kind,
          '--connect',
          endpoint,
          '--host-id',
          id,
          '--threads',
          '1',
          ...bind,
          ...hostFlags,
        ]);
      });
      const code = await server.exit;
      const hostCodes = await Promise.all(hosts.map((h) => h.exit));
      expect(code, server.err()).toBe(0);
      expect(hostCodes, hosts.map((h) => h.err()).join('\n')).toEqual([0, 0]);
      const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
      return { summary: JSON.parse(server.out()), lines: metrics(out), meta };
    }

    const timings: Record<string, number> = {};

    it('parameter server and two workers on three machines end on the inline model bits', async () => {
      const r = await runCluster('worker', FEDAVG);
      expect(r.summary.runtime).toBe('cluster');
      expect(r.summary.model_sha256).toBe(reference.fedavg);
      expect(r.lines).toHaveLength(ROUNDS);
      expect(r.lines.every((l) => l.participants === 10 && l.failures === 0)).toBe(true);
      timings.uncapped = median(roundTimes(r.lines));
    }, 120_000);

    it('with w2 behind a 20 mbit tbf cap: the same bits, and rounds no faster than its bytes over the cap', async () => {
      cluster.cap('w2', CAP);
      const before = cluster.linkBytes('w2');
      try {
        const r = await runCluster('worker', FEDAVG);
        expect(r.summary.model_sha256).toBe(reference.fedavg);
        const after = cluster.linkBytes('w2');
        // w2 trains 5 of the 10 clients: their updates crossed its capped uplink
        const up = after.tx - before.tx;
        const perRoundUp = (r.summary.payload_bytes_up as number) / ROUNDS / 2;
        expect(up).toBeGreaterThan(perRoundUp * ROUNDS);
        timings.capped = median(roundTimes(r.lines));
        const floor = (perRoundUp * 8) / CAP_BITS_PER_S;
        console.info(
          `round time (median of ${ROUNDS - 1}): ${timings.uncapped?.toFixed(3)} s uncapped, ${timings.capped.toFixed(3)} s with w2 at ${CAP.rate} (its uplink alone needs ${floor.toFixed(3)} s per round; ${up} bytes sent by w2)`,
        );
        // a round cannot end before w2's updates crossed its link (the uncapped time is reported, not
        // compared: on a shared 2-core machine the load moves it more than the cap does)
        expect(timings.capped).toBeGreaterThanOrEqual(floor);
        // the tbf really held w2's packets back, in both directions
        const tbf = cluster.capStats('w2');
        expect(tbf.uplink).toMatchObject({ kind: 'tbf' });
        expect(tbf.uplink.overlimits).toBeGreaterThan(0);
        expect(tbf.uplink.bytes).toBeGreaterThanOrEqual(perRoundUp * ROUNDS);
        expect(tbf.downlink.bytes).toBeGreaterThan(0);
      } finally {
        cluster.uncap('w2');
      }
    }, 120_000);

    it('D-PSGD with 4 peers on two peer hosts (one capped) and the coordinator on a third ends on the inline bits', async () => {
      cluster.cap('w1', CAP);
      try {
        const r = await runCluster('peer', GOSSIP);
        expect(r.summary.model_sha256).toBe(reference.gossip);
        expect(r.lines).toHaveLength(6);
        expect(cluster.capStats('w1').uplink.bytes).toBeGreaterThan(0);
      } finally {
        cluster.uncap('w1');
      }
    }, 120_000);
  },
);
