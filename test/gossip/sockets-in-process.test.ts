import { jsKernels } from '@starling/core';
import {
  GossipHost,
  type GossipRound,
  type GossipSetup,
  runGossipCoordinator,
  runGossipInline,
} from '@starling/worker';
import { describe, expect, it } from 'vitest';

const silent = { info() {}, warn() {}, error() {}, debug() {} };

function consensusSetup(kind: string, peers: number, rounds: number): GossipSetup {
  return {
    node: {
      seed: 11,
      data: { kind: 'synthetic-linear', n: 32, d: 5 },
      model: { kind: 'linear' },
      loss: 'mse',
      optimizer: { kind: 'sgd', lr: 0.1 },
      local: { epochs: 1, batchSize: 4, maxSteps: 1 },
      kernels: 'js',
    },
    algorithm: { kind: 'consensus' },
    peers,
    rounds,
    topology: { kind, nodes: peers },
    inputs: 5,
    classes: 0,
    evalEvery: 1,
    roundDeadlineMs: 20_000,
  };
}

describe('gossip hosts over tcp loopback (in one process)', () => {
  it('three hosts carrying eight ring peers end on exactly the models of the in-memory exchange', async () => {
    const setup = consensusSetup('ring', 8, 6);
    const partition = Array.from({ length: 8 }, () => new Int32Array(0));
    const inline: GossipRound[] = [];
    await runGossipInline({ run: 'r', setup, partition, kernels: jsKernels, onRound: (r) => void inline.push(r) });

    const sockets: GossipRound[] = [];
    const hosts: Promise<GossipHost>[] = [];
    const report = await runGossipCoordinator({
      bind: 'tcp://127.0.0.1:*',
      run: 'r',
      hosts: 3,
      setup,
      partition,
      modelSize: 6,
      joinTimeoutMs: 20_000,
      log: silent,
      onListening: (address) => {
        for (const id of ['h-a', 'h-b', 'h-c'])
          hosts.push(GossipHost.start({ connect: address, hostId: id, log: silent }));
      },
      onRound: (r) => void sockets.push(r),
    });
    const started = await Promise.all(hosts);
    await Promise.all(started.map((h) => h.finished));

    expect(report.rounds).toBe(6);
    expect(report.lost).toEqual([]);
    // Hosts get contiguous blocks in host-id order; the report lists them in join order.
    const byId = Object.entries(report.hosts).sort(([a], [b]) => (a < b ? -1 : 1));
    expect(byId.map(([, h]) => h.nodes.length)).toEqual([3, 3, 2]);
    for (let t = 0; t < 6; t++) {
      const a = inline[t].reports.map((r) => Array.from(r.model as Float32Array));
      const b = sockets[t].reports.map((r) => Array.from(r.model as Float32Array));
      expect(b).toEqual(a);
      expect(sockets[t].reports.every((r) => r.messagesSent === 2 && r.dropped === 0)).toBe(true);
    }
    const bytes = sockets.flatMap((r) => r.reports).reduce((s, r) => s + r.bytesSent, 0);
    const received = sockets.flatMap((r) => r.reports).reduce((s, r) => s + r.bytesReceived, 0);
    expect(bytes).toBe(received);
    expect(bytes).toBeGreaterThan(6 * 16 * 6 * 4);
  });
});
