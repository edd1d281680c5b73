/** One emulated link: its rate and its one-way latency. */
export interface EmulatedLink {
  /** Bit rate in bit/s (> 0; `Infinity`: no serialization delay). */
  readonly bps: number;
  /** One-way latency per message, seconds (≥ 0). */
  readonly latencyS: number;
  /** Extra seconds this message occupies the link (≥ 0; e.g. retransmissions of lost segments). */
  readonly extraS?: number;
}

interface Pending {
  readonly at: number;
  readonly send: () => void;
}

interface LinkQueue {
  /** When the link's sender is free again (ms on the shaper's clock): the token bucket's state. */
  freeAt: number;
  readonly items: Pending[];
  timer: NodeJS.Timeout | undefined;
}

/**
 * Network emulation on real messages (docs/systems.md, `systems.emulate`): a delay queue and a
 * serialization bucket per link in front of a real socket send. A message of b bytes on link l that is
 * ready at r (ms) starts leaving at s = max(now, r, freeAt_l), has left at d = s + 8b/bps + extra (then
 * freeAt_l = d), and is handed to the socket at d + latency, so the peer receives it at the time the
 * virtual clock predicts (plus the real loopback time, ~0.1 ms). Messages on one link are sent in the
 * order they were scheduled (arrival times on a link never decrease, and each link has one FIFO queue
 * served by one timer). Only delays: the bytes and the order per link are those of the unshaped send.
 */
export class LinkShaper {
  private readonly links = new Map<string, LinkQueue>();
  private closed = false;

  /** @param now monotonic clock in milliseconds (e.g. `performance.now`). */
  constructor(private readonly now: () => number) {}

  /**
   * Schedules `send` for a message of `bytes` bytes on link `key`, not before `readyAtMs` (default now).
   * Returns the planned hand-over time in ms on the shaper's clock. Throws on a non-positive rate or a
   * negative latency or size (a bug in the caller).
   */
  schedule(key: string, link: EmulatedLink, bytes: number, send: () => void, readyAtMs?: number): number {
    const extraS = link.extraS ?? 0;
    if (!(link.bps > 0) || !(link.latencyS >= 0) || !(bytes >= 0) || !(extraS >= 0)) {
      throw new RangeError(
        `link ${key}: bps must be > 0, latencyS, extraS and bytes ≥ 0, got ${link.bps}, ${link.latencyS}, ${extraS}, ${bytes}`,
      );
    }
    let q = this.links.get(key);
    if (!q) this.links.set(key, (q = { freeAt: Number.NEGATIVE_INFINITY, items: [], timer: undefined }));
    const now = this.now();
    const start = Math.max(now, readyAtMs ?? now, q.freeAt);
    const departed = start + (8 * bytes * 1000) / link.bps + 1000 * extraS;
    q.freeAt = departed;
    const last = q.items.length > 0 ? q.items[q.items.length - 1].at : Number.NEGATIVE_INFINITY;
    // A smaller latency than the previous message's must not overtake it: order per link is kept.
    const at = Math.max(departed + 1000 * link.latencyS, last);
    q.items.push({ at, send });
    if (q.items.length === 1) this.arm(key, q);
    return at;
  }

  /** Messages waiting on link `key`. */
  queued(key: string): number {
    return this.links.get(key)?.items.length ?? 0;
  }

  /** Drops every waiting message (their `send` is never called) and clears all timers. */
  close(): void {
    this.closed = true;
    for (const q of this.links.values()) {
      clearTimeout(q.timer);
      q.items.length = 0;
    }
    this.links.clear();
  }

  private arm(key: string, q: LinkQueue): void {
    clearTimeout(q.timer);
    if (this.closed || q.items.length === 0) return;
    const wait = Math.max(0, q.items[0].at - this.now());
    q.timer = setTimeout(() => this.flush(key, q), Math.ceil(wait));
  }

  private flush(key: string, q: LinkQueue): void {
    q.timer = undefined;
    // Timers may fire up to 1 ms early relative to a sub-millisecond target: allow that slack.
    const now = this.now() + 0.5;
    while (!this.closed && q.items.length > 0 && q.items[0].at <= now) q.items.shift()!.send();
    if (q.items.length > 0) this.arm(key, q);
    else if (this.links.get(key) === q && q.freeAt <= this.now()) this.links.delete(key);
  }
}
