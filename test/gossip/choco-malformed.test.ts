import { DealerEndpoint, RouterEndpoint } from '@starling/transport';
import { GossipHost, type GossipRound, type GossipHost as Host, runGossipCoordinator } from '@starling/worker';
import { describe, expect, it } from 'vitest';
import { consensusRing4 } from './consensus-ring.js';

const quiet = { info() {}, error() {}, debug() {} };

/** Four consensus peers on a ring with top-1 CHOCO: h-a carries nodes 0 and 1, the fake h-b nodes 2 and 3. */
const setup = consensusRing4(5, { choco: { compressor: { kind: 'topk', count: 1 }, gamma: 0.5 } });

/**
 * A host that joins like `starling peer` but only sends one malformed CHOCO payload from each of its
 * nodes to its ring neighbour on h-a (3 → 0, 2 → 1), then leaves.
 */
async function maliciousHost(coordinator: string): Promise<() => Promise<void>> {
  const inbox = await RouterEndpoint.listen('tcp://127.0.0.1:*', { log: quiet, onMessage: () => {} });
  const garbage = Uint8Array.of(1, 5, 0, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 0); // a NaN value
  let link: DealerEndpoint | null = null;
  const control = DealerEndpoint.connect(coordinator, {
    routingId: 'h-b',
    peerName: 'coordinator',
    log: quiet,
    onMessage: (m) => {
      const h = m.header;
      if (h.type !== 'welcome' || link) return;
      const endpoints = (h.config as { endpoints: Record<string, string> }).endpoints;
      link = DealerEndpoint.connect(endpoints['h-a'], {
        routingId: 'h-b',
        peerName: 'h-a',
        run: h.run,
        log: quiet,
        onMessage: () => {},
      });
      for (const [from, to] of [
        [3, 0],
        [2, 1],
      ])
        void link.send({ type: 'gossip', round: 0, node: from, to }, [
          { name: 'params', data: garbage, codec: 'topk' },
        ]);
      setTimeout(() => void control.send({ type: 'bye', round: 0, node: -1, reason: 'done' }), 300);
    },
  });
  const hello = { kernels: 'js', cores: 1, version: '0.1.0' };
  void control.send({
    type: 'hello',
    round: 0,
    node: -1,
    host: 'h-b',
    caps: hello,
    nodes: [],
    endpoint: inbox.address,
  });
  return async () => {
    await (link as DealerEndpoint | null)?.close({ lingerMs: 0 });
    await control.close({ lingerMs: 0 });
    await inbox.close({ lingerMs: 0 });
  };
}

describe('a CHOCO gossip host receiving malformed payloads over tcp', () => {
  it('refuses them with a warning, leaves those neighbours out and finishes every round', async () => {
    const warnings: { obj: Record<string, unknown>; msg: string }[] = [];
    const log = { ...quiet, warn: (obj: Record<string, unknown>, msg: string) => void warnings.push({ obj, msg }) };
    const rounds: GossipRound[] = [];
    let host: Promise<Host> | null = null;
    let stop: Promise<() => Promise<void>> | null = null;
    const report = await runGossipCoordinator({
      bind: 'tcp://127.0.0.1:*',
      run: 'bad',
      hosts: 2,
      setup,
      partition: Array.from({ length: 4 }, () => new Int32Array(0)),
      modelSize: 6,
      joinTimeoutMs: 20_000,
      log: { ...quiet, warn() {} },
      heartbeatMs: 100,
      peerTimeoutMs: 1000,
      onListening: (address) => {
        host = GossipHost.start({ connect: address, hostId: 'h-a', log, heartbeatMs: 100, peerTimeoutMs: 1000 });
        stop = maliciousHost(address);
      },
      onRound: (r) => void rounds.push(r),
    });
    const a = await (host as unknown as Promise<Host>);
    await a.finished;
    await (await (stop as unknown as Promise<() => Promise<void>>))();

    expect(report.rounds).toBe(5);
    expect(report.lost).toEqual([2, 3]);
    expect(a.refused).toBe(2);
    const refusals = warnings.filter((w) => w.msg === 'gossip payload refused');
    expect(refusals.map((w) => [w.obj.node, w.obj.from]).sort()).toEqual([
      [0, 3],
      [1, 2],
    ]);
    expect(String(refusals[0].obj.reason)).toMatch(/topk payload/);
    for (const r of rounds) {
      expect(r.reports.map((x) => x.node)).toEqual([0, 1]);
      for (const x of r.reports) {
        expect(x.heard).toBe(1); // only the other node on h-a
        expect(x.refused).toBe(r.round === 0 ? 1 : 0);
        expect(Array.from(x.model as Float32Array).every(Number.isFinite)).toBe(true);
      }
    }
  });
});
