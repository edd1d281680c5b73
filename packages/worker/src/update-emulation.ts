import { type PacketLoss, retransmitSeconds } from '@starling/core';
import { LinkShaper, type SendResult, type TensorInput } from '@starling/transport';

/** One client's emulated links and compute (`welcome.config.emulate[node]`, from its systems profile). */
export interface NodeEmulation {
  /** One-way latency per message, s. */
  readonly latencyS: number;
  /** Uplink and downlink rates, bit/s; null: unlimited. */
  readonly upBps: number | null;
  readonly downBps: number | null;
  /** Virtual compute time of one round's planned work, s. */
  readonly computeS: number;
  /** Seeded packet loss on both links (retransmission time, the clock's `retransmitSeconds`); absent: none. */
  readonly loss?: PacketLoss | null;
}

/**
 * Network and compute emulation on a worker host (docs/systems.md, `systems.emulate`). The model message of a
 * round reaches the host at wall time a (ms) with D payload bytes; client i's download then ends at
 * a + latency_i + 8D/down_i, its training at that plus computeS_i (real training runs meanwhile; when it
 * is slower the update is simply later), and its update of U bytes leaves through a {@link LinkShaper} on
 * link `up:i` (rate up_i, latency_i), so the server receives it at a + t_i of the virtual clock. Only the
 * timing changes: the payload is the one computed, copied before it waits.
 */
export class UpdateEmulation {
  private readonly shaper: LinkShaper;
  private readonly rounds = new Map<number, { at: number; downBytes: number }>();

  constructor(
    private readonly table: Readonly<Record<string, NodeEmulation>>,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.shaper = new LinkShaper(now);
  }

  /** Notes that round `round`'s model (`downBytes` payload bytes) arrived now; keeps the last 8 rounds. */
  taskArrived(round: number, downBytes: number): void {
    if (!this.rounds.has(round)) this.rounds.set(round, { at: this.now(), downBytes });
    for (const r of this.rounds.keys()) if (r < round - 8) this.rounds.delete(r);
  }

  /** True when `node` is emulated. */
  has(node: number): boolean {
    return this.table[String(node)] !== undefined;
  }

  /**
   * Sends `node`'s update for `round` through `send` once the emulated client would have delivered it;
   * `tensors` are copied now (their memory may be reused meanwhile). Resolves with `send`'s result, or
   * `closed` when the host closed first.
   */
  hold(
    node: number,
    round: number,
    tensors: readonly TensorInput[],
    send: (tensors: readonly TensorInput[]) => Promise<SendResult>,
  ): Promise<SendResult> {
    const e = this.table[String(node)];
    const r = this.rounds.get(round);
    if (e === undefined || r === undefined) return send(tensors);
    // Buffer#slice is a view, not a copy
    const copies = tensors.map((t) => ({
      ...t,
      data: Buffer.isBuffer(t.data) ? Buffer.from(t.data) : t.data.slice(),
      owned: true,
    }));
    let bytes = 0;
    for (const t of copies) bytes += t.data.byteLength;
    const downBps = e.downBps ?? Number.POSITIVE_INFINITY;
    const upBps = e.upBps ?? Number.POSITIVE_INFINITY;
    const lost = (dir: 'down' | 'up', b: number, bps: number) =>
      e.loss ? retransmitSeconds(e.loss, round, dir, b, e.latencyS, bps) : 0;
    const downS = e.latencyS + (8 * r.downBytes) / downBps + lost('down', r.downBytes, downBps);
    const ready = r.at + 1000 * (downS + e.computeS);
    const link = { bps: upBps, latencyS: e.latencyS, extraS: lost('up', bytes, upBps) };
    return new Promise((resolve) => {
      this.pending.add(resolve);
      this.shaper.schedule(
        `up:${node}`,
        link,
        bytes,
        () => {
          this.pending.delete(resolve);
          void send(copies).then(resolve);
        },
        ready,
      );
    });
  }

  private readonly pending = new Set<(r: SendResult) => void>();

  /** Drops every held update (each resolves `closed`). */
  close(): void {
    this.shaper.close();
    for (const resolve of this.pending) resolve({ ok: false, reason: 'closed' });
    this.pending.clear();
  }
}
