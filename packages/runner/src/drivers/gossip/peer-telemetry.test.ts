import type { GossipRound, PeerReport } from '@starling/worker';
import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../../api/telemetry-event.js';
import { PeerTelemetry } from './peer-telemetry.js';

function report(node: number, round: number, droppedNodes: number[], links: Record<number, number>): PeerReport {
  return {
    node,
    round,
    trainLoss: 1,
    steps: 1,
    heard: 2 - droppedNodes.length,
    dropped: droppedNodes.length,
    droppedNodes,
    late: 0,
    payloadBytes: 0,
    theoreticalBits: 0,
    refused: 0,
    samples: 10,
    bytesSent: 0,
    bytesReceived: 0,
    messagesSent: 0,
    messagesReceived: 0,
    links,
    model: null,
  };
}

describe('PeerTelemetry', () => {
  it('reports each peer joined once and lost once, stragglers by how many left them out, and links per round', () => {
    const seen: TelemetryEvent[] = [];
    const t = new PeerTelemetry((e) => seen.push(e));
    const r0: GossipRound = {
      round: 0,
      reports: [report(0, 0, [], { 1: 100, 2: 100 }), report(1, 0, [], { 0: 100 }), report(2, 0, [], { 0: 100 })],
      lost: [],
    };
    const r1: GossipRound = {
      round: 1,
      reports: [report(0, 1, [2], { 1: 50 }), report(1, 1, [2], { 0: 50 })],
      lost: [2],
    };
    const r2: GossipRound = { round: 2, reports: [report(0, 2, [], {}), report(1, 2, [], {})], lost: [2] };
    for (const r of [r0, r1, r2]) t.round(r);
    expect(seen).toEqual([
      { kind: 'peer', peer: 0, state: 'joined', round: 0 },
      { kind: 'peer', peer: 1, state: 'joined', round: 0 },
      { kind: 'peer', peer: 2, state: 'joined', round: 0 },
      { kind: 'links', round: 0, bytes: { '0->1': 100, '0->2': 100, '1->0': 100, '2->0': 100 } },
      { kind: 'peer', peer: 2, state: 'lost', round: 1 },
      { kind: 'straggler', round: 1, node: 2, reason: 'left out', count: 2 },
      { kind: 'links', round: 1, bytes: { '0->1': 50, '1->0': 50 } },
    ]);
  });
});
