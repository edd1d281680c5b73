import type { IncomingMessage, RouterEndpoint } from '@starling/transport';
import type { HostLog } from '../worker-host.js';

/** What {@link HoldControl} needs from the coordinator. */
export interface HoldControlOptions {
  readonly router: RouterEndpoint;
  readonly rounds: number;
  readonly log: HostLog;
  /** The live hosts carrying peers, sorted. */
  readonly hosts: () => string[];
  /** Rounds after which the peers must stand still (a checkpoint is due); absent: none. */
  readonly holdAfter?: (round: number) => boolean;
  /** How long `align` waits for every host's `hold` reply (default 10 s). */
  readonly replyTimeoutMs?: number;
}

interface Replies {
  readonly want: Set<string>;
  last: number;
  readonly done: () => void;
}

/**
 * Where a gossip run's peers stand still (docs/protocol.md, "Holding the peers"). The peers may begin
 * every round up to the grant, the next round after which a checkpoint is due (`holdAfter`) or the
 * run's last round: a round that needs no checkpoint costs no coordinator round trip. `align` stops
 * every peer where it is (`hold`), learns the last round any of them finishes and returns it: the
 * round an interrupt checkpoints (`align(true)`, which also holds there) or after which a replacement
 * host's peers join (`align(false)`, then `regrant`).
 */
export class HoldControl {
  private readonly extra = new Set<number>();
  private granted: number;
  private replies: Replies | null = null;

  constructor(
    private readonly o: HoldControlOptions,
    from: number,
  ) {
    this.granted = this.next(from);
  }

  /** The last round the peers may begin without a further `proceed` (the welcome's `grant`). */
  get grant(): number {
    return this.granted;
  }

  /** Whether the peers stand still after round `round` (a checkpoint may capture them there). */
  isHold(round: number): boolean {
    return round < this.o.rounds - 1 && (this.extra.has(round) || (this.o.holdAfter?.(round) ?? false));
  }

  /** After the boundary of hold round `round`: grants up to the next hold round. */
  passed(round: number): void {
    this.extra.delete(round);
    this.regrant(round + 1);
  }

  /** Grants every round up to the next hold round from `from` on, to every host. */
  regrant(from: number): void {
    this.granted = this.next(from);
    for (const host of this.o.hosts())
      void this.o.router.send(host, { type: 'proceed', round: this.granted, node: -1 });
  }

  /**
   * Stops every peer after the round it is in and returns the last round any of them finishes (hosts
   * that do not answer in time are left out, with a warning). With `holdThere` the peers then all go
   * on to that round and stand still after it (`isHold` is then true for it).
   */
  async align(holdThere: boolean): Promise<number> {
    const hosts = this.o.hosts();
    let timer: NodeJS.Timeout | undefined;
    const replies = await new Promise<Replies>((resolve) => {
      const r: Replies = { want: new Set(hosts), last: -1, done: () => resolve(r) };
      this.replies = r;
      const ms = this.o.replyTimeoutMs ?? 10_000;
      timer = setTimeout(() => {
        this.o.log.warn({ missing: [...r.want], ms }, 'hold: hosts did not answer in time; aligning without them');
        r.done();
      }, ms);
      for (const host of hosts) void this.o.router.send(host, { type: 'hold', round: this.granted, node: -1 });
      if (hosts.length === 0) r.done();
    });
    clearTimeout(timer);
    this.replies = null;
    const last = Math.max(replies.last, 0);
    if (holdThere) {
      this.extra.add(last);
      this.granted = last;
      for (const host of hosts) void this.o.router.send(host, { type: 'proceed', round: last, node: -1 });
    }
    return last;
  }

  /** A host's `hold` reply. */
  onHold(m: IncomingMessage): void {
    const r = this.replies;
    if (!r?.want.delete(m.peer)) return;
    r.last = Math.max(r.last, m.header.round);
    if (r.want.size === 0) r.done();
  }

  /** The first hold round from `from` on, or the last round. */
  private next(from: number): number {
    for (let t = from; t < this.o.rounds - 1; t++) if (this.isHold(t)) return t;
    return Math.max(this.o.rounds - 1, from);
  }
}
