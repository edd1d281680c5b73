import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';
import { type ClusterRun, FEDAVG, GOSSIP, inlineHash, ROUNDS, runOnMachines } from './multi-host-helpers.js';
import { listNamespaces, netnsUnavailable } from './netns.js';
import { NetnsCluster } from './netns-cluster.js';

/** Set while the CURVE flags of the issue 14 contract are not on this branch. */
const PENDING: string = 'starling keys generate and --key/--allow/--server-key are not merged yet (branch sec-wiring)';
const unavailable = PENDING || netnsUnavailable();
if (unavailable) console.warn(`multi-host CURVE tests in network namespaces are skipped: ${unavailable}`);

/**
 * Key pairs per the issue 14 contract: `keys/<name>/<name>.key` (public) and `.key_secret`, one
 * folder each so no secret sits beside another host's key, plus `allow/` holding the hosts' public keys.
 */
function generateKeys(names: readonly string[]) {
  const dir = tempDir('starling-keys-');
  mkdirSync(join(dir, 'allow'));
  for (const name of names) {
    const r = starling(['keys', 'generate', '--name', name, '--out', join(dir, name)]);
    expect(r.code, r.stderr).toBe(0);
    if (name !== 'server') copyFileSync(join(dir, name, `${name}.key`), join(dir, 'allow', `${name}.key`));
  }
  return {
    secret: (name: string) => join(dir, name, `${name}.key_secret`),
    public: (name: string) => join(dir, name, `${name}.key`),
    allow: join(dir, 'allow'),
  };
}

describe.skipIf(unavailable !== '')(
  `multi-host runs in network namespaces over CURVE${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    let cluster: NetnsCluster;
    let keys: ReturnType<typeof generateKeys>;
    const reference = { fedavg: '', gossip: '' };
    const curve = (kind: ClusterRun['kind'], experiment: readonly string[]): ClusterRun => ({
      kind,
      experiment,
      serverFlags: ['--key', keys.secret('server'), '--allow', keys.allow],
      // the host id is the key's name
      hostFlags: (id) => ['--key', keys.secret(id), '--server-key', keys.public('server')],
    });

    beforeAll(() => {
      cluster = NetnsCluster.create(['server', 'w1', 'w2']);
      keys = generateKeys(['server', 'w1', 'w2']);
      reference.fedavg = inlineHash(FEDAVG);
      reference.gossip = inlineHash(GOSSIP);
    }, 180_000);

    afterAll(() => {
      const made = cluster?.namespaces() ?? [];
      cluster?.destroy();
      expect(listNamespaces().filter((ns) => made.includes(ns))).toEqual([]);
    });

    it('parameter server and two workers with allow-listed keys end on the inline model bits', async () => {
      const r = await runOnMachines(cluster, curve('worker', FEDAVG));
      expect(r.summary.runtime).toBe('cluster');
      expect(r.summary.model_sha256).toBe(reference.fedavg);
      expect(r.lines).toHaveLength(ROUNDS);
      expect(r.lines.every((l) => l.participants === 10 && l.failures === 0)).toBe(true);
    }, 120_000);

    it('D-PSGD with 4 peers on two keyed peer hosts and a keyed coordinator ends on the inline bits', async () => {
      cluster.cap('w1', { rate: '20mbit', burst: '32kbit', latency: '400ms' });
      try {
        const r = await runOnMachines(cluster, curve('peer', GOSSIP));
        expect(r.summary.model_sha256).toBe(reference.gossip);
        expect(r.summary.peers_lost).toBe(0);
        expect(r.lines).toHaveLength(6);
      } finally {
        cluster.uncap('w1');
      }
    }, 120_000);
  },
);
