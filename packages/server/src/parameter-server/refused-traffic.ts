import type { EndpointStats } from '@starling/transport';

/** Cumulative received bytes of a run, split into the run's own traffic and refused traffic. */
export interface UplinkSplit {
  /** Bytes received from registered hosts, less the messages of theirs the server refused. */
  readonly run: number;
  /**
   * Bytes of refused messages: everything from a peer that is not a registered host (a refused hello,
   * fuzz, an unusable routing id), and the messages of registered hosts that the server refused
   * (`refuse`: an update for a node they do not carry, a malformed or refused update).
   */
  readonly refused: number;
}

/**
 * Splits what the server's socket received into the run's traffic (`bytes_up`) and refused traffic
 * (`refused_bytes`), so that garbage sent at the server never inflates the run's figures
 * (docs/security.md, "Admission"). It reads the endpoint's per-peer byte counters at each report:
 * bytes that arrived from a registered host count for the run, bytes from any other peer (and from no
 * usable peer id) are refused. Messages of a registered host that the server refused itself are
 * reported with {@link refuse} and moved from the run's side to the refused side.
 */
export class RefusedTraffic {
  private readonly seen = new Map<string, number>();
  private readonly pending = new Map<string, number>();
  private anonymous = 0;
  private split = { run: 0, refused: 0 };

  /** The server refused a message of `bytes` bytes from `peer` after the endpoint accepted it. */
  refuse(peer: string, bytes: number): void {
    this.pending.set(peer, (this.pending.get(peer) ?? 0) + bytes);
  }

  /**
   * Brings the split up to `stats` and returns the cumulative figures.
   * @param registered whether a peer id is a host registered with the run (now)
   */
  take(stats: EndpointStats, registered: (peer: string) => boolean): UplinkSplit {
    let named = 0;
    let run = this.split.run;
    let refused = this.split.refused;
    for (const [peer, c] of Object.entries(stats.peers)) {
      named += c.bytesReceived;
      const delta = c.bytesReceived - (this.seen.get(peer) ?? 0);
      this.seen.set(peer, c.bytesReceived);
      if (!registered(peer)) {
        refused += delta;
        this.pending.delete(peer);
        continue;
      }
      const moved = Math.min(delta, this.pending.get(peer) ?? 0);
      this.pending.set(peer, (this.pending.get(peer) ?? 0) - moved);
      run += delta - moved;
      refused += moved;
    }
    // Bytes with no usable routing id are in the totals only.
    const anonymous = stats.totals.bytesReceived - named;
    refused += anonymous - this.anonymous;
    this.anonymous = anonymous;
    this.split = { run, refused };
    return this.split;
  }
}
