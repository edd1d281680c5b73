import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cidrsOverlap,
  deleteNamespace,
  hostPrefixes,
  listNamespaces,
  must,
  NETNS_PREFIX,
  netnsUnavailable,
  pickSubnet,
  removeStaleNamespaces,
} from './netns.js';
import { NetnsCluster, type Started } from './netns-cluster.js';

const unavailable = netnsUnavailable();
if (unavailable) console.warn(`network namespace harness tests are skipped: ${unavailable}`);

describe('private subnets for namespace machines', () => {
  it('cidrsOverlap compares IPv4 prefixes at the shorter length', () => {
    expect(cidrsOverlap('10.213.5.0/24', '10.213.5.77/32')).toBe(true);
    expect(cidrsOverlap('10.0.0.0/8', '10.213.5.0/24')).toBe(true);
    expect(cidrsOverlap('10.213.5.0/24', '10.213.6.0/24')).toBe(false);
    expect(cidrsOverlap('10.213.4.0/23', '10.213.5.0/24')).toBe(true);
    expect(cidrsOverlap('192.0.2.0/24', '10.213.5.0/24')).toBe(false);
  });

  it('pickSubnet skips every /24 the host routes and fails when there is none left', () => {
    expect(pickSubnet(5, ['10.213.5.0/24', '10.213.6.128/25', '127.0.0.0/8'])).toBe('10.213.7.0/24');
    expect(pickSubnet(255, ['10.213.255.1/32'])).toBe('10.213.0.0/24');
    expect(() => pickSubnet(0, ['10.0.0.0/8'])).toThrow(/every 10\.213\.X\.0\/24 overlaps/);
  });

  it.skipIf(process.platform !== 'linux')("hostPrefixes reads the host's routes (loopback is always there)", () => {
    expect(hostPrefixes().some((p) => cidrsOverlap(p, '127.0.0.1/32'))).toBe(true);
  });
});

/** Receives `bytes` in machine `to` from machine `from` over TCP; resolves the receiver's seconds from first byte to end. */
async function transfer(c: NetnsCluster, from: string, to: string, bytes: number): Promise<number> {
  const server = `const t=[];require('net').createServer(s=>{let n=0;s.on('data',d=>{if(!n)t.push(process.hrtime.bigint());n+=d.length});s.on('end',()=>{console.log(n,Number(process.hrtime.bigint()-t[0])/1e9);process.exit(0)})}).listen(7100,'${c.address(to)}',()=>console.log('ready'))`;
  const client = `const s=require('net').connect(7100,'${c.address(to)}',()=>s.end(Buffer.alloc(${bytes})));s.on('error',e=>{console.error(e.message);process.exit(1)})`;
  const receiver: Started = c.spawn(to, process.execPath, ['-e', server]);
  while (!receiver.out().includes('ready')) await new Promise((r) => setTimeout(r, 20));
  const sender = c.spawn(from, process.execPath, ['-e', client]);
  expect(await sender.exit, sender.err()).toBe(0);
  expect(await receiver.exit, receiver.err()).toBe(0);
  const [n, seconds] = receiver.out().split('\n')[1].split(' ').map(Number);
  expect(n).toBe(bytes);
  return seconds;
}

describe.skipIf(unavailable !== '')(
  `the network namespace harness${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    let cluster: NetnsCluster;
    beforeAll(() => {
      cluster = NetnsCluster.create(['a', 'b']);
    });
    afterAll(() => cluster?.destroy());

    it('machines have their own addresses, reach each other, and the host namespace holds none of them', async () => {
      const [a, b] = [cluster.address('a'), cluster.address('b')];
      expect(a).toMatch(/^10\.213\.\d+\.1$/);
      expect(b).toMatch(/^10\.213\.\d+\.2$/);
      expect(hostPrefixes().some((p) => cidrsOverlap(p, cluster.subnet))).toBe(false);
      const seconds = await transfer(cluster, 'a', 'b', 100_000);
      expect(seconds).toBeGreaterThanOrEqual(0);
    });

    it('a 20 mbit tbf cap holds a transfer to about its rate, in both directions; uncapped it is far faster', async () => {
      const bytes = 2_000_000;
      const floor = (bytes * 8) / 20e6; // 0.8 s
      const free = await transfer(cluster, 'a', 'b', bytes);
      cluster.cap('a', { rate: '20mbit', burst: '32kbit', latency: '400ms' });
      try {
        const up = await transfer(cluster, 'a', 'b', bytes);
        const down = await transfer(cluster, 'b', 'a', bytes);
        console.info(
          `2 MB: ${free.toFixed(3)} s uncapped, ${up.toFixed(3)} s up / ${down.toFixed(3)} s down at 20 mbit`,
        );
        for (const t of [up, down]) {
          expect(t).toBeGreaterThan(floor * 0.95);
          expect(t).toBeLessThan(floor * 4);
        }
        expect(free).toBeLessThan(floor / 2);
        const stats = cluster.capStats('a');
        expect(stats.uplink.kind).toBe('tbf');
        expect(stats.uplink.overlimits).toBeGreaterThan(0);
        expect(stats.downlink.overlimits).toBeGreaterThan(0);
      } finally {
        cluster.uncap('a');
      }
      expect(cluster.capStats('a').uplink.kind).not.toBe('tbf');
    });

    it('destroy kills what runs inside and deletes exactly the namespaces it made', async () => {
      const other = NetnsCluster.create(['x']);
      const made = other.namespaces();
      expect(made).toHaveLength(2); // the switch and x
      expect(made.every((ns) => ns.startsWith(`${NETNS_PREFIX}${process.pid}-`))).toBe(true);
      const sleeper = other.spawn('x', process.execPath, ['-e', 'setTimeout(() => {}, 600000)']);
      other.destroy();
      expect(await sleeper.exit).toBe(null); // killed by a signal
      const now = listNamespaces();
      expect(now.filter((ns) => made.includes(ns))).toEqual([]);
      expect(cluster.namespaces().every((ns) => now.includes(ns))).toBe(true); // the other cluster is untouched
    });

    it('stale namespaces of a dead process are removed; those of live processes and foreign ones are kept', () => {
      const dead = spawnSync(process.execPath, ['-e', '0']).pid;
      const stale = `${NETNS_PREFIX}${dead}-0-left`;
      const foreign = `not-starling-${process.pid}`;
      must('ip', ['netns', 'add', stale]);
      must('ip', ['netns', 'add', foreign]);
      try {
        const removed = removeStaleNamespaces();
        expect(removed).toContain(stale);
        const now = listNamespaces();
        expect(now).not.toContain(stale);
        expect(now).toContain(foreign);
        expect(cluster.namespaces().every((ns) => now.includes(ns))).toBe(true);
      } finally {
        deleteNamespace(stale);
        deleteNamespace(foreign);
      }
    });
  },
);
