import { errors } from '@starling/core';

/**
 * Extra silence allowed to a peer per byte of a large message it was just handed, in ms: it has to
 * receive, join and decode the payload (and usually copy it) before it speaks again. 1 s per 16 MiB:
 * on the project's 2-core VMs under load, writing fresh memory ran at 30-100 MB/s.
 */
export const BUSY_MS_PER_BYTE = 1000 / (16 * 2 ** 20);
/** Messages below this size earn no allowance (1 MiB). */
export const BUSY_MIN_BYTES = 2 ** 20;

/**
 * When each live peer (heard from, not since lost or gone) was last heard from, in the endpoint's clock
 * (ms), and who has been silent too long. Times may lie in the future: a peer handed a large message
 * gets `bytes × BUSY_MS_PER_BYTE` ms of allowance (`busy`), and time this endpoint's own thread ran late
 * counts as nobody's silence (`forgive`).
 */
export class EndpointLiveness {
  /** Live peers and the time each was last heard from (plus allowances). */
  readonly live = new Map<string, number>();
  /** The largest payload expected from a peer (see `expectPayload`). */
  private expected = 0;

  /** See `Endpoint.expectPayload`; throws a `config` StarlingError for a negative or fractional size. */
  expectPayload(bytes: number): void {
    if (!Number.isSafeInteger(bytes) || bytes < 0)
      throw errors.option('transport.expectPayload', 'a byte count', bytes);
    this.expected = bytes;
  }

  /** `peer` was heard from at `now`; true when it was not live before (it joined). */
  heard(peer: string, now: number): boolean {
    const known = this.live.get(peer);
    // max: a peer still within its allowance for a large message (see `busy`) keeps it
    this.live.set(peer, Math.max(now, known ?? 0));
    return known === undefined;
  }

  /**
   * `peer` was just handed a message of `bytes` bytes: from `BUSY_MIN_BYTES` on, its silence while it
   * receives and decodes it is expected, so its last-heard time moves forward by `bytes × BUSY_MS_PER_BYTE`.
   * Losing the connection still counts at once (a dead or frozen peer is never shielded by this).
   */
  busy(peer: string, bytes: number, now: number): void {
    if (bytes < BUSY_MIN_BYTES) return;
    const seen = this.live.get(peer);
    if (seen !== undefined) this.live.set(peer, Math.max(seen, now) + bytes * BUSY_MS_PER_BYTE);
  }

  /** Every live peer's last-heard time moves `ms` later. */
  forgive(ms: number): void {
    for (const [peer, seen] of this.live) this.live.set(peer, seen + ms);
  }

  /**
   * The peers to report lost at `now`: silent for more than `peerTimeoutMs` and either past
   * `connectedSilenceMs` (plus the allowance for the expected payload) or no longer `connected`.
   */
  overdue(
    now: number,
    o: { readonly peerTimeoutMs: number; readonly connectedSilenceMs: number },
    connected: (peer: string) => boolean,
  ): string[] {
    const patience = o.connectedSilenceMs + this.expected * BUSY_MS_PER_BYTE;
    const late: string[] = [];
    for (const [peer, seen] of this.live) {
      const silent = now - seen;
      if (silent <= o.peerTimeoutMs) continue;
      if (silent > patience || !connected(peer)) late.push(peer);
    }
    return late;
  }
}
