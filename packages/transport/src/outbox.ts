/** What one non-blocking socket send attempt did. */
export type SendOutcome = 'sent' | 'again' | 'unreachable' | 'closed' | 'failed';

/** Why an outgoing message was given up before the socket accepted it. */
export type DropReason = 'timeout' | 'overflow' | 'peer-lost' | 'unreachable' | 'closed' | 'failed';

/** How a send ended. Send promises always settle with one of these and never reject. */
export type SendResult = { ok: true; bytes: number } | { ok: false; reason: DropReason };

/** Limits and timing of the per-peer queues, in milliseconds, messages and bytes. */
export interface OutboxOptions {
  /** A message not accepted by the socket within this time is dropped with `timeout`. */
  readonly sendTimeoutMs: number;
  /** More queued messages than this for one peer: the new message is dropped with `overflow`. */
  readonly maxQueuedMessages: number;
  /** More queued bytes than this for one peer: the new message is dropped with `overflow`. */
  readonly maxQueuedBytes: number;
  /** Retry delay after the peer's queue was full; doubles up to `retryMaxMs`. */
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  readonly now: () => number;
}

interface Item {
  readonly frames: Buffer[];
  readonly bytes: number;
  readonly type: string;
  readonly deadline: number;
  readonly resolve: (r: SendResult) => void;
}

interface Box {
  items: Item[];
  bytes: number;
  retryAt: number;
  backoff: number;
  /** The last attempt found no connection to the peer (names the drop reason at the deadline). */
  unreachable: boolean;
}

/** Callbacks through which the outboxes report to their endpoint. */
export interface OutboxHooks {
  /** One non-blocking send attempt; must never throw. */
  attempt(peer: string, frames: Buffer[]): Promise<SendOutcome>;
  sent(peer: string, type: string, bytes: number): void;
  dropped(peer: string, type: string, reason: DropReason): void;
  /** The socket has no connection for `peer`; return true to drop its queue (the peer is gone). */
  unreachable(peer: string): boolean;
}

/**
 * Per-peer FIFO queues in front of one ZeroMQ socket whose sends never block (`sendTimeout: 0`).
 * zeromq.js allows one blocked send per socket, so a peer whose high-water mark is full would stall
 * every other peer; here such a peer's queue waits (retrying with backoff) while the others flow.
 * Peers are served round-robin, one message per turn.
 */
export class Outboxes {
  private readonly boxes = new Map<string, Box>();
  private running = false;
  /** Set when work arrived while the pump was running, so it runs once more. */
  private again = false;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly hooks: OutboxHooks,
    private readonly opts: OutboxOptions,
  ) {}

  /** Queues one message; resolves when the socket accepted it or it was dropped. */
  enqueue(peer: string, frames: Buffer[], type: string, timeoutMs = this.opts.sendTimeoutMs): Promise<SendResult> {
    let bytes = 0;
    for (const f of frames) bytes += f.byteLength;
    if (this.closed) return this.refuse(peer, type, 'closed');
    let box = this.boxes.get(peer);
    if (!box) this.boxes.set(peer, (box = { items: [], bytes: 0, retryAt: 0, backoff: 0, unreachable: false }));
    if (box.items.length >= this.opts.maxQueuedMessages || box.bytes + bytes > this.opts.maxQueuedBytes) {
      return this.refuse(peer, type, 'overflow');
    }
    const b = box;
    return new Promise((resolve) => {
      b.items.push({ frames, bytes, type, deadline: this.opts.now() + timeoutMs, resolve });
      b.bytes += bytes;
      this.kick();
    });
  }

  /** Messages waiting for `peer`. */
  queued(peer: string): number {
    return this.boxes.get(peer)?.items.length ?? 0;
  }

  /** Drops everything queued for `peer` with the given reason. */
  dropPeer(peer: string, reason: DropReason): void {
    const box = this.boxes.get(peer);
    if (!box) return;
    this.boxes.delete(peer);
    for (const item of box.items) this.settle(peer, item, reason);
  }

  /** Drops every queued message with `closed` and refuses new ones; leaves no timer behind. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const peer of [...this.boxes.keys()]) this.dropPeer(peer, 'closed');
  }

  private refuse(peer: string, type: string, reason: DropReason): Promise<SendResult> {
    this.hooks.dropped(peer, type, reason);
    return Promise.resolve({ ok: false, reason });
  }

  private settle(peer: string, item: Item, reason: DropReason): void {
    this.hooks.dropped(peer, item.type, reason);
    item.resolve({ ok: false, reason });
  }

  private kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.again = false;
    void this.pump().finally(() => {
      this.running = false;
      if (this.again) this.kick();
    });
  }

  private async pump(): Promise<void> {
    let sinceYield = 0;
    while (!this.closed && this.boxes.size > 0) {
      const now = this.opts.now();
      let progressed = false;
      let wake = Number.POSITIVE_INFINITY;
      for (const [peer, box] of this.boxes) {
        while (box.items.length > 0 && box.items[0].deadline <= now) {
          this.shift(peer, box, box.unreachable ? 'unreachable' : 'timeout');
        }
        if (box.items.length === 0) {
          this.boxes.delete(peer);
          continue;
        }
        if (box.retryAt > now) {
          wake = Math.min(wake, box.retryAt, box.items[0].deadline);
          continue;
        }
        const item = box.items[0];
        const outcome = await this.hooks.attempt(peer, item.frames);
        if (this.closed) return;
        if (this.boxes.get(peer) !== box || box.items[0] !== item) continue; // dropped meanwhile
        if (outcome === 'sent') {
          this.shift(peer, box, null);
          box.backoff = 0;
          box.retryAt = 0;
          box.unreachable = false;
          progressed = true;
        } else if (outcome === 'failed') {
          this.shift(peer, box, 'failed');
        } else if (outcome === 'closed') {
          this.close();
          return;
        } else if (outcome === 'again' || !this.hooks.unreachable(peer)) {
          box.unreachable = outcome === 'unreachable';
          box.backoff = box.backoff === 0 ? this.opts.retryMinMs : Math.min(2 * box.backoff, this.opts.retryMaxMs);
          box.retryAt = now + box.backoff;
          wake = Math.min(wake, box.retryAt);
        }
      }
      if (!progressed) {
        if (Number.isFinite(wake)) this.wakeAt(wake);
        return;
      }
      // Sends with a zero timeout settle synchronously; let I/O and timers run now and then.
      if (++sinceYield >= 64) {
        sinceYield = 0;
        await new Promise<void>((r) => setImmediate(r));
      }
    }
  }

  private shift(peer: string, box: Box, reason: DropReason | null): void {
    const item = box.items.shift()!;
    box.bytes -= item.bytes;
    if (reason === null) {
      this.hooks.sent(peer, item.type, item.bytes);
      item.resolve({ ok: true, bytes: item.bytes });
    } else {
      this.settle(peer, item, reason);
    }
  }

  private wakeAt(at: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), Math.max(1, Math.ceil(at - this.opts.now())));
  }
}
