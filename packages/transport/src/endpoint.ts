import type { Dealer, Router } from 'zeromq';
import { type EncodedTensors, encodeHeader, encodeTensors, type TensorInput } from './codec.js';
import { EndpointArrivals } from './endpoint-arrivals.js';
import { EndpointLiveness } from './endpoint-liveness.js';
import type { RejectReason, ResolvedOptions } from './endpoint-options.js';
import { type EndpointStats, LinkStats } from './link-stats.js';
import type { Header, OutgoingHeader } from './messages.js';
import type { NonFiniteScan } from './non-finite.js';
import { Outboxes, type SendOutcome, type SendResult } from './outbox.js';
import { MAX_SEQ, PROTOCOL_VERSION } from './protocol.js';

/** Per-send options. */
export interface SendOptions {
  /** Drop the message if the socket has not accepted it within this many milliseconds. */
  readonly timeoutMs?: number;
}

/** Maps a zeromq.js send error to what the outbox should do next. */
export function classifySendError(e: unknown): SendOutcome {
  const code = (e as { code?: unknown }).code;
  if (code === 'EAGAIN' || code === 'EBUSY') return 'again';
  if (code === 'EHOSTUNREACH') return 'unreachable';
  if (code === 'ENOTSOCK' || code === 'ETERM' || code === 'EBADF') return 'closed';
  return 'failed';
}

/**
 * What ROUTER and DEALER endpoints share: validation and counting of arrivals, per-peer outboxes,
 * sequence numbers, application heartbeats and liveness, error replies, and a close that leaves no
 * pending promise. Subclasses provide the socket-specific send and the receive framing.
 */
export abstract class Endpoint {
  protected readonly opts: ResolvedOptions;
  protected readonly counters = new LinkStats();
  protected readonly outboxes: Outboxes;
  private readonly liveness = new EndpointLiveness();
  /** Peers heard from and not since lost or gone, with the time of their last message (`EndpointLiveness`). */
  protected readonly live = this.liveness.live;
  protected closed = false;
  private runId: string | undefined;
  private round = 0;
  private readonly arrivals: EndpointArrivals;
  private readonly seqOut = new Map<string, number>();
  private readonly lastErrorReply = new Map<string, number>();
  private readonly ticker: NodeJS.Timeout;
  /** Milliseconds between liveness checks (and application heartbeats when those are on). */
  protected readonly tickMs: number;
  private lastTick: number;
  private loop: Promise<void> = Promise.resolve();
  private closing: Promise<void> | undefined;

  protected constructor(
    protected readonly socket: Router | Dealer,
    options: ResolvedOptions,
  ) {
    this.opts = options;
    this.runId = this.opts.run;
    this.arrivals = new EndpointArrivals(this.opts, this.counters);
    const { now, sendTimeoutMs, maxQueuedMessages, maxQueuedBytes } = this.opts;
    this.outboxes = new Outboxes(
      {
        attempt: (peer, frames) => this.attempt(peer, frames),
        sent: (peer, type, bytes) => {
          this.counters.sent(peer, type, bytes);
          this.liveness.busy(peer, bytes, this.opts.now());
        },
        dropped: (peer, _type, reason) => this.counters.drop(peer, reason),
        unreachable: (peer) => this.unreachable(peer),
      },
      { now, sendTimeoutMs, maxQueuedMessages, maxQueuedBytes, retryMinMs: 1, retryMaxMs: 20 },
    );
    const hb = this.opts.heartbeatMs;
    this.tickMs = hb > 0 ? hb : Math.min(250, this.opts.peerTimeoutMs / 4);
    this.lastTick = this.opts.now();
    this.ticker = setInterval(() => this.tick(), this.tickMs);
  }

  /** One non-blocking send of `frames` to `peer` on the socket. */
  protected abstract attempt(peer: string, frames: Buffer[]): Promise<SendOutcome>;
  /** The socket has no connection to `peer`; returns true when the peer's queue should be dropped. */
  protected abstract unreachable(peer: string): boolean;
  /** Peers that get application heartbeats. */
  protected abstract heartbeatTargets(): Iterable<string>;
  /** True while the socket still has a live ZeroMQ connection to `peer` (ZMTP heartbeats answered). */
  protected abstract connectedTo(peer: string, now: number): boolean;

  /** The run id stamped on outgoing messages and required of arriving ones (undefined: any). */
  get run(): string | undefined {
    return this.runId;
  }

  /** Sets the run id (a worker host learns it from `welcome`). */
  setRun(run: string | undefined): void {
    this.runId = run;
  }

  /** Sets the round stamped on heartbeats and error replies (informational). */
  setRound(round: number): void {
    this.round = round;
  }

  /**
   * Replaces the NaN/Inf scan of received f32 payloads (undefined: back to the JS `firstNonFinite`),
   * e.g. with `kernels.compress.firstNonFinite` once a worker host learned its kernels from `welcome`.
   * Throws a `config` StarlingError, and keeps the current scan, if `scan` disagrees with the reference.
   */
  setNonFiniteScan(scan: NonFiniteScan | undefined): void {
    this.arrivals.setNonFiniteScan(scan);
  }

  /**
   * Announces the largest payload this endpoint expects to receive (e.g. 4·P bytes of a model once a
   * worker host learned the model). A message is delivered only once all of it has arrived, and what the
   * peer sent after it (its heartbeats) waits behind it on the wire, so a still-connected peer may be
   * silent that much longer: `bytes × BUSY_MS_PER_BYTE` ms are added to `connectedSilenceMs`. A dropped
   * connection is still reported at once. Throws a `config` StarlingError for a negative or fractional size.
   */
  expectPayload(bytes: number): void {
    this.liveness.expectPayload(bytes);
  }

  /** A snapshot of the byte and message counters. */
  stats(): EndpointStats {
    return this.counters.snapshot();
  }

  /**
   * Closes the socket at once: queued messages resolve with `closed`, the receive loop ends, timers
   * stop. `lingerMs` > 0 lets ZeroMQ keep flushing already accepted messages (e.g. a `bye`) that long.
   */
  close(options: { lingerMs?: number } = {}): Promise<void> {
    if (this.closing) return this.closing;
    this.closed = true;
    clearInterval(this.ticker);
    this.outboxes.close();
    try {
      this.socket.linger = options.lingerMs ?? 0;
      this.socket.close();
    } catch (e) {
      this.opts.log.debug({ err: e }, 'socket close failed');
    }
    this.closing = this.loop.then(() => undefined);
    return this.closing;
  }

  /** Encodes tensors once for several sends (frames are shared read-only). */
  protected encodeShared(tensors: readonly TensorInput[]): EncodedTensors {
    return encodeTensors(tensors, this.opts.chunkBytes);
  }

  /** Stamps `v`, `seq`, `run`, descriptors; queues; throws synchronously on an invalid header. */
  protected enqueue(
    peer: string,
    header: OutgoingHeader,
    enc: EncodedTensors,
    o: SendOptions = {},
  ): Promise<SendResult> {
    const seq = this.seqOut.get(peer) ?? 0;
    const full = { ...header, v: PROTOCOL_VERSION, run: header.run ?? this.runId ?? '', seq, tensors: enc.descriptors };
    const head = encodeHeader(full as Header);
    this.seqOut.set(peer, seq === MAX_SEQ ? 0 : seq + 1);
    return this.outboxes.enqueue(peer, [head, ...enc.frames], header.type, o.timeoutMs);
  }

  /** Runs `next` repeatedly, feeding each arrival (already split into peer and frames) to `arrive`. */
  protected startReceiving(next: () => Promise<{ peer: string | null; frames: Buffer[] }>): void {
    this.loop = (async () => {
      while (!this.closed) {
        let got: { peer: string | null; frames: Buffer[] };
        try {
          got = await next();
        } catch (e) {
          if (this.closed) return;
          this.opts.log.warn({ err: e }, 'receive failed');
          await new Promise((r) => setTimeout(r, 10));
          continue;
        }
        try {
          this.arrive(got.peer, got.frames);
        } catch (e) {
          // Unreachable by design (decoding returns reasons, handlers are wrapped); kept so that no
          // input can ever end the receive loop.
          this.counters.handlerErrors++;
          this.opts.log.warn({ err: e }, 'message processing threw');
        }
      }
    })();
  }

  private arrive(peer: string | null, frames: Buffer[]): void {
    const res = this.arrivals.check(peer, frames, this.runId);
    if (!res.ok) {
      this.reject(peer, res.reason, res.detail, res.seq, res.type);
      return;
    }
    const h = res.header;
    if (this.liveness.heard(res.peer, this.opts.now()))
      this.emitPeer({ kind: 'joined', peer: res.peer, reason: 'message' });
    if (h.type === 'heartbeat') return;
    this.call(() => this.opts.onMessage({ peer: res.peer, header: h, tensors: res.tensors, bytes: res.bytes }));
    if (h.type === 'bye' && this.live.delete(res.peer)) this.gone(res.peer, 'left', h.reason);
  }

  private reject(peer: string | null, reason: RejectReason, detail: string, seq: number, type: string | null): void {
    this.counters.reject(peer, reason);
    this.opts.log.debug({ peer, reason, detail }, 'message rejected');
    if (this.opts.onReject) this.call(() => this.opts.onReject!({ peer, reason, detail }));
    if (!this.opts.replyErrors || peer === null || type === 'error' || this.closed) return;
    const now = this.opts.now();
    if (now - (this.lastErrorReply.get(peer) ?? Number.NEGATIVE_INFINITY) < 250) return;
    this.lastErrorReply.set(peer, now);
    const message = detail.length > 1024 ? `${detail.slice(0, 1021)}...` : detail;
    const error = { type: 'error', round: this.round, node: this.opts.node, code: reason, message, ref: seq } as const;
    void this.enqueue(peer, error, { descriptors: [], frames: [], bytes: 0 }, { timeoutMs: 1000 });
  }

  /** Forgets a live peer: `lost` (silence, disconnection) or `left` (bye). */
  protected markLost(peer: string, reason: string): void {
    if (this.live.delete(peer)) this.gone(peer, 'lost', reason);
  }

  private gone(peer: string, kind: 'lost' | 'left', reason: string): void {
    this.arrivals.forget(peer);
    this.onGone(peer);
    this.emitPeer({ kind, peer, reason });
  }

  /** Hook: a peer was lost or left (the ROUTER drops its queue). */
  protected onGone(_peer: string): void {}

  /** Sends a heartbeat to each target whose queue is empty (a backed-up queue proves nothing new). */
  protected heartbeat(): void {
    if (this.closed) return;
    const hb = { type: 'heartbeat', round: this.round, node: this.opts.node } as const;
    const none = { descriptors: [], frames: [], bytes: 0 };
    for (const peer of this.heartbeatTargets()) {
      if (this.outboxes.queued(peer) === 0)
        void this.enqueue(peer, hb, none, { timeoutMs: 2 * this.opts.peerTimeoutMs });
    }
  }

  /**
   * Silence alone is a weak signal under CPU load: a peer's main thread can be starved for seconds
   * while its ZeroMQ I/O thread still answers ZMTP heartbeats. So a still-connected peer gets
   * `connectedSilenceMs`; a dead or frozen one loses its connection and is reported by the socket.
   */
  private tick(): void {
    const now = this.opts.now();
    const late = now - this.lastTick - this.tickMs;
    this.lastTick = now;
    if (late > this.tickMs) this.forgive(late);
    for (const peer of this.liveness.overdue(now, this.opts, (p) => this.connectedTo(p, now)))
      this.markLost(peer, 'timeout');
    if (this.opts.heartbeatMs > 0) this.heartbeat();
  }

  /**
   * This endpoint's own thread ran `ms` late (blocked, or starved of CPU): what its peers sent meanwhile
   * still waits unread in the socket, so that time counts as nobody's silence.
   */
  protected forgive(ms: number): void {
    this.liveness.forgive(ms);
  }

  private emitPeer(event: { kind: 'joined' | 'left' | 'lost'; peer: string; reason: string }): void {
    const handler = this.opts.onPeer;
    if (handler) this.call(() => handler(event));
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.counters.handlerErrors++;
      this.opts.log.warn({ err: e }, 'endpoint handler threw');
    }
  }
}
