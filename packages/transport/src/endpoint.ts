import { errors } from '@starling/core';
import type { Dealer, Router } from 'zeromq';
import { JoinScratch } from './chunks.js';
import {
  type DecodeOptions,
  decodeMessage,
  type EncodedTensors,
  encodeHeader,
  encodeTensors,
  type TensorInput,
} from './codec.js';
import type { RejectReason, ResolvedOptions } from './endpoint-options.js';
import { type EndpointStats, LinkStats } from './link-stats.js';
import type { Header, OutgoingHeader } from './messages.js';
import { checkNonFiniteScan, type NonFiniteScan } from './non-finite.js';
import { Outboxes, type SendOutcome, type SendResult } from './outbox.js';
import { MAX_SEQ, type MessageType, PROTOCOL_VERSION } from './protocol.js';

/**
 * Extra silence allowed to a peer per byte of a large message it was just handed, in ms: it has to
 * receive, join and decode the payload (and usually copy it) before it speaks again. 1 s per 16 MiB:
 * on the project's 2-core VMs under load, writing fresh memory ran at 30-100 MB/s.
 */
export const BUSY_MS_PER_BYTE = 1000 / (16 * 2 ** 20);
/** Messages below this size earn no allowance (1 MiB). */
const BUSY_MIN_BYTES = 2 ** 20;

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
  /** Peers heard from and not since lost or gone, with the time of their last message. */
  protected readonly live = new Map<string, number>();
  protected closed = false;
  private runId: string | undefined;
  private round = 0;
  private readonly accept: ReadonlySet<MessageType>;
  private readonly seqOut = new Map<string, number>();
  private readonly seqIn = new Map<string, number>();
  private readonly lastErrorReply = new Map<string, number>();
  private readonly ticker: NodeJS.Timeout;
  /** Milliseconds between liveness checks (and application heartbeats when those are on). */
  protected readonly tickMs: number;
  private lastTick: number;
  private loop: Promise<void> = Promise.resolve();
  /** The largest payload expected from a peer (see `expectPayload`). */
  private expected = 0;
  private decodeOptions: DecodeOptions;
  private closing: Promise<void> | undefined;

  protected constructor(
    protected readonly socket: Router | Dealer,
    options: ResolvedOptions,
  ) {
    this.opts = options;
    this.runId = this.opts.run;
    this.accept = new Set(this.opts.accept);
    const { maxMessageBytes, maxHeaderBytes, nonFiniteScan, reuseJoinBuffers } = this.opts;
    const joinScratch = reuseJoinBuffers ? new JoinScratch() : undefined;
    this.decodeOptions = { maxMessageBytes, maxHeaderBytes, nonFiniteScan, joinScratch };
    const { now, sendTimeoutMs, maxQueuedMessages, maxQueuedBytes } = this.opts;
    this.outboxes = new Outboxes(
      {
        attempt: (peer, frames) => this.attempt(peer, frames),
        sent: (peer, type, bytes) => {
          this.counters.sent(peer, type, bytes);
          if (bytes >= BUSY_MIN_BYTES) this.busy(peer, bytes);
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
    const problem = scan === undefined ? null : checkNonFiniteScan(scan);
    if (problem !== null)
      throw errors.option('transport.nonFiniteScan', 'a scan that agrees with firstNonFinite', problem);
    this.decodeOptions = { ...this.decodeOptions, nonFiniteScan: scan };
  }

  /**
   * Announces the largest payload this endpoint expects to receive (e.g. 4·P bytes of a model once a
   * worker host learned the model). A message is delivered only once all of it has arrived, and what the
   * peer sent after it (its heartbeats) waits behind it on the wire, so a still-connected peer may be
   * silent that much longer: `bytes × BUSY_MS_PER_BYTE` ms are added to `connectedSilenceMs`. A dropped
   * connection is still reported at once. Throws a `config` StarlingError for a negative or fractional size.
   */
  expectPayload(bytes: number): void {
    if (!Number.isSafeInteger(bytes) || bytes < 0)
      throw errors.option('transport.expectPayload', 'a byte count', bytes);
    this.expected = bytes;
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
    if (peer === null) {
      let bytes = 0;
      for (const f of frames) bytes += f.byteLength;
      this.counters.received(null, null, bytes);
      this.reject(null, 'routing-id', 'routing id must match /^[A-Za-z0-9._:-]{1,64}$/', -1, null);
      return;
    }
    const res = decodeMessage(frames, this.decodeOptions);
    this.counters.received(peer, res.ok ? res.header.type : res.type, res.bytes);
    if (!res.ok) {
      this.reject(peer, res.reason, res.detail, res.seq, res.type);
      return;
    }
    const h = res.header;
    if (!this.accept.has(h.type)) {
      this.reject(peer, 'direction', `${h.type} is not accepted here`, h.seq, h.type);
      return;
    }
    if (this.runId !== undefined && h.run !== '' && h.run !== this.runId) {
      this.reject(peer, 'wrong-run', `run ${JSON.stringify(h.run)} is not ${this.runId}`, h.seq, h.type);
      return;
    }
    const last = this.seqIn.get(peer);
    if (last !== undefined && h.seq !== (last === MAX_SEQ ? 0 : last + 1)) this.counters.seqGap(peer);
    this.seqIn.set(peer, h.seq);
    const known = this.live.get(peer);
    // max: a peer still within its allowance for a large message (see `busy`) keeps it
    this.live.set(peer, Math.max(this.opts.now(), known ?? 0));
    if (known === undefined) this.emitPeer({ kind: 'joined', peer, reason: 'message' });
    if (h.type === 'heartbeat') return;
    this.call(() => this.opts.onMessage({ peer, header: h, tensors: res.tensors, bytes: res.bytes }));
    if (h.type === 'bye' && this.live.delete(peer)) this.gone(peer, 'left', h.reason);
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

  /**
   * `peer` was just handed a large message: its silence while it receives and decodes it is expected, so
   * its last-heard time moves forward by `bytes × BUSY_MS_PER_BYTE`. Losing the connection still counts
   * at once (a dead or frozen peer is never shielded by this).
   */
  private busy(peer: string, bytes: number): void {
    const seen = this.live.get(peer);
    if (seen !== undefined) this.live.set(peer, Math.max(seen, this.opts.now()) + bytes * BUSY_MS_PER_BYTE);
  }

  /** Forgets a live peer: `lost` (silence, disconnection) or `left` (bye). */
  protected markLost(peer: string, reason: string): void {
    if (this.live.delete(peer)) this.gone(peer, 'lost', reason);
  }

  private gone(peer: string, kind: 'lost' | 'left', reason: string): void {
    this.seqIn.delete(peer);
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
    const patience = this.opts.connectedSilenceMs + this.expected * BUSY_MS_PER_BYTE;
    for (const [peer, seen] of [...this.live]) {
      const silent = now - seen;
      if (silent <= this.opts.peerTimeoutMs) continue;
      if (silent > patience || !this.connectedTo(peer, now)) this.markLost(peer, 'timeout');
    }
    if (this.opts.heartbeatMs > 0) this.heartbeat();
  }

  /**
   * This endpoint's own thread ran `ms` late (blocked, or starved of CPU): what its peers sent meanwhile
   * still waits unread in the socket, so that time counts as nobody's silence.
   */
  protected forgive(ms: number): void {
    for (const [peer, seen] of this.live) this.live.set(peer, seen + ms);
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
