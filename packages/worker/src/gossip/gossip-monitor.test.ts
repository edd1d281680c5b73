import { describe, expect, it } from 'vitest';
import { GossipMonitor, type PeerReport } from './gossip-monitor.js';

const report = (node: number, round: number): PeerReport => ({
  node,
  round,
  trainLoss: null,
  steps: 0,
  heard: 0,
  dropped: 0,
  droppedNodes: [],
  late: 0,
  samples: 0,
  bytesSent: 0,
  bytesReceived: 0,
  messagesSent: 0,
  messagesReceived: 0,
  links: {},
  model: null,
});

describe('GossipMonitor', () => {
  it('releases a round only when every peer reported it, in round order, whatever the arrival order', () => {
    const m = new GossipMonitor([0, 1, 2], 3);
    expect(m.add(report(1, 1))).toEqual([]);
    expect(m.add(report(0, 0))).toEqual([]);
    expect(m.add(report(2, 0))).toEqual([]);
    const released = m.add(report(1, 0));
    expect(released.map((r) => [r.round, r.reports.map((x) => x.node)])).toEqual([[0, [0, 1, 2]]]);
    expect(m.add(report(0, 0))).toEqual([]); // duplicate of a released round
    m.add(report(2, 1));
    expect(m.add(report(0, 1)).map((r) => r.round)).toEqual([1]);
    expect(m.finished).toBe(false);
  });

  it('stops waiting for a lost peer after its last report and names it in later rounds', () => {
    const m = new GossipMonitor([0, 1], 3);
    m.add(report(0, 0));
    m.add(report(1, 0));
    m.add(report(0, 1));
    m.add(report(0, 2));
    const released = m.lose(1);
    expect(released.map((r) => [r.round, r.reports.length, r.lost])).toEqual([
      [1, 1, [1]],
      [2, 1, [1]],
    ]);
    expect(m.finished).toBe(true);
  });

  it('a lost node back from round r is not awaited before r, is awaited from r on, and r lists it as back', () => {
    const m = new GossipMonitor([0, 1], 6);
    m.add(report(1, 0));
    m.add(report(0, 0));
    expect(m.lose(1).map((r) => r.round)).toEqual([]); // round 1 waits for node 0 only
    m.back(1, 3);
    const released = [...m.add(report(0, 1)), ...m.add(report(0, 2)), ...m.add(report(0, 3))];
    expect(released.map((r) => [r.round, r.lost, r.back])).toEqual([
      [1, [1], []],
      [2, [1], []],
    ]); // round 3 waits for the replacement
    const three = m.add(report(1, 3));
    expect(three.map((r) => [r.round, r.reports.length, r.lost, r.back])).toEqual([[3, 2, [], [1]]]);
  });
});
