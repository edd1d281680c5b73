import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../cli/cli-helpers.js';
import { allowList, generateKeys, hostKeyFlags } from '../e2e/curve-helpers.js';
import {
  CAP,
  CAP_BITS_PER_S,
  type ClusterRun,
  FEDAVG,
  GOSSIP,
  inlineHash,
  median,
  ROUNDS,
  roundTimes,
  runOnMachines,
} from './multi-host-helpers.js';
import { listNamespaces, netnsUnavailable } from './netns.js';
import { NetnsCluster } from './netns-cluster.js';

// Three "machines" (network namespaces on one bridge, each with its own 10.213.X.Y address): the
// parameter server or gossip coordinator on `server`, one `starling worker` / `starling peer` on each
// of `w1` and `w2`, over CURVE with keys from `starling keys generate`, one link capped with tc tbf.

const unavailable = netnsUnavailable();
if (unavailable) console.warn(`multi-host tests in network namespaces are skipped: ${unavailable}`);

const show = (t: number[]) => `median ${median(t).toFixed(3)} s, best ${Math.min(...t).toFixed(3)} s`;

describe.skipIf(unavailable !== '')(
  `multi-host runs in network namespaces${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    let cluster: NetnsCluster;
    let keys = '';
    let allow = '';
    const reference = { fedavg: '', gossip: '' };
    const curve = (kind: ClusterRun['kind'], experiment: readonly string[]): ClusterRun => ({
      kind,
      experiment,
      serverFlags: ['--key', `${keys}/server.key_secret`, '--allow', allow],
      hostFlags: (id) => hostKeyFlags(keys, id), // the host id is the key's name
    });
    const plaintext = (kind: ClusterRun['kind'], experiment: readonly string[]): ClusterRun => ({
      kind,
      experiment,
      serverFlags: ['--insecure'], // a non-loopback bind without keys is refused otherwise
      hostFlags: (id) => ['--host-id', id],
    });

    beforeAll(() => {
      cluster = NetnsCluster.create(['server', 'w1', 'w2']);
      const dir = tempDir('starling-netns-keys-');
      keys = generateKeys(dir, ['server', 'w1', 'w2']);
      allow = allowList(dir, keys, ['w1', 'w2']);
      reference.fedavg = inlineHash(FEDAVG);
      reference.gossip = inlineHash(GOSSIP);
    }, 180_000);

    afterAll(() => {
      const made = cluster?.namespaces() ?? [];
      cluster?.destroy();
      expect(listNamespaces().filter((ns) => made.includes(ns))).toEqual([]);
    });

    const times = { plaintext: [] as number[], curve: [] as number[], capped: [] as number[] };

    it('plaintext (--insecure): a parameter server and two workers on three machines end on the inline bits', async () => {
      const r = await runOnMachines(cluster, plaintext('worker', FEDAVG));
      expect(r.summary.runtime).toBe('cluster');
      expect(r.summary.model_sha256).toBe(reference.fedavg);
      expect(r.log).not.toContain('CURVE on');
      times.plaintext = roundTimes(r.lines);
    }, 120_000);

    it('CURVE: the same run with allow-listed keys ends on the same bits; host ids are the keys’ names', async () => {
      const r = await runOnMachines(cluster, curve('worker', FEDAVG));
      expect(r.summary.model_sha256).toBe(reference.fedavg);
      expect(r.log).toContain('CURVE on');
      expect(Object.keys(r.links.links).sort()).toEqual(['w1', 'w2']);
      expect(r.lines).toHaveLength(ROUNDS);
      expect(r.lines.every((l) => l.participants === 10 && l.failures === 0)).toBe(true);
      times.curve = roundTimes(r.lines);
    }, 120_000);

    it('CURVE with w2 behind a 20 mbit tbf cap: the same bits, and no round faster than its bytes over the cap', async () => {
      cluster.cap('w2', CAP);
      const before = cluster.linkBytes('w2');
      try {
        const r = await runOnMachines(cluster, curve('worker', FEDAVG));
        expect(r.summary.model_sha256).toBe(reference.fedavg);
        // w2 trains 5 of the 10 clients: their updates crossed its capped uplink
        const sent = cluster.linkBytes('w2').tx - before.tx;
        const perRoundUp = r.summary.payload_bytes_up / ROUNDS / 2;
        expect(sent).toBeGreaterThan(perRoundUp * ROUNDS);
        times.capped = roundTimes(r.lines);
        const floor = (perRoundUp * 8) / CAP_BITS_PER_S;
        console.info(
          [
            `round times over ${ROUNDS - 1} rounds: plaintext ${show(times.plaintext)}; CURVE ${show(times.curve)};`,
            `CURVE with w2 at ${CAP.rate} ${show(times.capped)} (w2's updates alone need ${floor.toFixed(3)} s a round; it sent ${sent} bytes)`,
          ].join(' '),
        );
        // every round waits for w2's updates to cross its link; the best uncapped round (one quiet
        // moment of a shared 2-core machine is enough) beats the best capped one
        expect(Math.min(...times.capped)).toBeGreaterThanOrEqual(floor);
        expect(Math.min(...times.curve)).toBeLessThan(Math.min(...times.capped));
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

    it('CURVE D-PSGD: 4 peers on two keyed peer hosts (w1 capped) and the coordinator on a third end on the inline bits', async () => {
      cluster.cap('w1', CAP);
      try {
        const r = await runOnMachines(cluster, curve('peer', GOSSIP));
        expect(r.summary.model_sha256).toBe(reference.gossip);
        expect(r.summary.peers_lost).toBe(0);
        expect(r.log).toContain('CURVE on');
        expect(r.lines).toHaveLength(6);
        expect(cluster.capStats('w1').uplink.bytes).toBeGreaterThan(0);
      } finally {
        cluster.uncap('w1');
      }
    }, 120_000);
  },
);
