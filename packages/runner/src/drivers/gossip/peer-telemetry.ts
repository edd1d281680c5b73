import type { GossipRound } from '@starling/worker';
import type { TelemetrySink } from '../../api/telemetry-event.js';

/**
 * The telemetry of a gossip run's rounds as the monitor channel releases them: each peer `joined` in
 * the first round it reported and `lost` in the first round it was lost from, the round's stragglers
 * (peers that neighbours left out of their averages, with how many did) and the bytes sent per
 * directed link `i->j` that round. Reads the round only; the run is the same with or without it.
 */
export class PeerTelemetry {
  private readonly joined = new Set<number>();
  private readonly lost = new Set<number>();

  constructor(private readonly emit: TelemetrySink) {}

  /** Emits the events of round `r` (before its metrics line is recorded). */
  round(r: GossipRound): void {
    const round = r.round;
    for (const x of r.reports) {
      if (this.joined.has(x.node)) continue;
      this.joined.add(x.node);
      this.emit({ kind: 'peer', peer: x.node, state: 'joined', round });
    }
    for (const node of r.lost) {
      if (this.lost.has(node)) continue;
      this.lost.add(node);
      this.emit({ kind: 'peer', peer: node, state: 'lost', round });
    }
    const leftOut = new Map<number, number>();
    for (const x of r.reports) for (const j of x.droppedNodes) leftOut.set(j, (leftOut.get(j) ?? 0) + 1);
    for (const [node, count] of [...leftOut].sort((a, b) => a[0] - b[0])) {
      this.emit({ kind: 'straggler', round, node, reason: 'left out', count });
    }
    const bytes: Record<string, number> = {};
    for (const x of r.reports) for (const [j, b] of Object.entries(x.links)) bytes[`${x.node}->${j}`] = b;
    if (Object.keys(bytes).length > 0) this.emit({ kind: 'links', round, bytes });
  }
}
