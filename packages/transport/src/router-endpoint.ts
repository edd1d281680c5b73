import { errors } from '@starling/core';
import { Router } from 'zeromq';
import type { TensorInput } from './codec.js';
import { classifySendError, Endpoint, type SendOptions } from './endpoint.js';
import { type EndpointOptions, type ResolvedOptions, resolveOptions } from './endpoint-options.js';
import type { OutgoingHeader } from './messages.js';
import type { SendOutcome, SendResult } from './outbox.js';
import { ID_PATTERN, TO_ROUTER } from './protocol.js';
import { type RouterSecurity, withCurveChunks } from './security/identity.js';
import { RouterGuard } from './security/router-guard.js';
import { watchConnections } from './watch-connections.js';

/** Options of a {@link RouterEndpoint}. */
export interface RouterOptions extends EndpointOptions {
  /** A new connection with a known routing id takes it over (default true, so restarted hosts rejoin). */
  readonly handover?: boolean;
  /**
   * CURVE with a ZAP allow-list and routing ids bound to keys (docs/security.md): only clients whose key is
   * in `allow` complete a handshake, and only messages from routing ids `NAME~TAG` that verify for NAME's key
   * reach the application, as `peer = NAME`. Everything else is refused, counted in `stats().refused`.
   * Absent: plaintext, as before.
   */
  readonly security?: RouterSecurity;
}

/** Decodes a ZeroMQ routing id into a peer id, or null when it is not a valid id (binary, too long). */
export function peerIdOf(routingId: Buffer): string | null {
  const id = routingId.toString('latin1');
  return ID_PATTERN.test(id) ? id : null;
}

/**
 * The server side of the protocol: a bound ZeroMQ ROUTER (`mandatory`, zero send timeout, `linger` 0,
 * ZMTP heartbeats, ZMQ_MAXMSGSIZE) with a queue per peer so a slow or frozen peer never blocks the
 * others. A peer is known from its first valid message until it says `bye` (left), goes silent for
 * `peerTimeoutMs`, or its connection drops (lost). Disconnection is found by probing: after any
 * ZeroMQ `disconnect` event every known peer gets a heartbeat, and a send that finds no route
 * (EHOSTUNREACH) marks that peer lost, so a frozen peer is noticed about one ZMTP timeout after it froze.
 */
export class RouterEndpoint extends Endpoint {
  /** The bound address, with the port resolved (`tcp://127.0.0.1:40123`, `ipc:///tmp/x.sock`). */
  readonly address: string;
  private readonly ids = new Map<string, Buffer>();
  /** When a send to each peer last found its route (sent, or held back by a full pipe). */
  private readonly routed = new Map<string, number>();
  /** Since when sends to each live peer found no route (cleared by a routed send). */
  private readonly unroutable = new Map<string, number>();
  private probe: NodeJS.Timeout | undefined;

  private constructor(
    socket: Router,
    address: string,
    options: ResolvedOptions,
    private readonly guard: RouterGuard | undefined,
  ) {
    super(socket, options);
    this.address = address;
    guard?.attach(socket, this.counters);
    watchConnections(socket, this.counters, () => {
      clearTimeout(this.probe);
      if (!this.closed) this.probe = setTimeout(() => this.heartbeat(), 20);
    });
    this.startReceiving(async () => {
      for (;;) {
        const [id, ...frames] = await socket.receive();
        if (guard === undefined) return { peer: peerIdOf(id), frames };
        const peer = guard.admit(id!, frames);
        if (peer !== null) return { peer, frames };
      }
    });
  }

  /** Binds a ROUTER to `address` (`tcp://127.0.0.1:*` picks a free port; see `address`). */
  static async listen(address: string, options: RouterOptions): Promise<RouterEndpoint> {
    const o = resolveOptions(withCurveChunks(options), TO_ROUTER);
    const guard = options.security === undefined ? undefined : await RouterGuard.open(options.security, o.log);
    const socket = RouterEndpoint.socket(o, options.handover ?? true, guard);
    const endpoint = new RouterEndpoint(socket, address, o, guard);
    try {
      await socket.bind(address);
    } catch (e) {
      await endpoint.close();
      throw errors.runtime(`cannot bind ${address}: ${(e as Error).message}`, e);
    }
    (endpoint as { address: string }).address = socket.lastEndpoint ?? address;
    return endpoint;
  }

  private static socket(o: ResolvedOptions, handover: boolean, guard: RouterGuard | undefined): Router {
    try {
      return new Router({
        ...guard?.socketOptions(),
        mandatory: true,
        handover,
        linger: 0,
        sendTimeout: 0,
        sendHighWaterMark: o.sendHighWaterMark,
        receiveHighWaterMark: o.receiveHighWaterMark,
        maxMessageSize: o.maxMessageBytes,
        heartbeatInterval: o.zmtpHeartbeatMs,
        heartbeatTimeout: o.zmtpTimeoutMs,
      });
    } catch (e) {
      guard?.close();
      throw e;
    }
  }

  /** Peers currently known (heard from, not lost or gone), in no particular order. */
  peers(): string[] {
    return [...this.live.keys()];
  }

  /**
   * Queues one message for `peer`. Throws synchronously if the header or a tensor is invalid (a bug
   * in the caller); otherwise resolves once the socket accepted the message or it was dropped.
   */
  send(
    peer: string,
    header: OutgoingHeader,
    tensors: readonly TensorInput[] = [],
    o?: SendOptions,
  ): Promise<SendResult> {
    this.checkPeer(peer);
    return this.enqueue(peer, header, this.encodeShared(tensors), o);
  }

  /**
   * Says `bye` (round 0, node −1, `reason` cut to 256 characters) to each of `peers` that is still
   * connected, waiting up to 2 s per send, and resolves once every send resolved or timed out; failures
   * are ignored. How a server or coordinator ends a run so that no host waits for it.
   */
  async sayBye(peers: readonly string[], reason: string): Promise<void> {
    const header = { type: 'bye', round: 0, node: -1, reason: reason.slice(0, 256) } as const;
    await Promise.all(
      peers.filter((p) => this.live.has(p)).map((p) => this.send(p, header, [], { timeoutMs: 2000 })),
    ).catch(() => {});
  }

  /**
   * Sends the same tensors (encoded and copied once, frames shared read-only) with a per-peer header
   * to each target. Returns one promise per target, so a caller can wait for the fast peers without
   * waiting for a slow one.
   */
  broadcast(
    targets: readonly { peer: string; header: OutgoingHeader }[],
    tensors: readonly TensorInput[] = [],
    o?: SendOptions,
  ): Promise<SendResult>[] {
    for (const t of targets) this.checkPeer(t.peer);
    const enc = this.encodeShared(tensors);
    return targets.map((t) => this.enqueue(t.peer, t.header, enc, o));
  }

  /** Messages waiting in `peer`'s queue (not yet accepted by the socket). */
  queued(peer: string): number {
    return this.outboxes.queued(peer);
  }

  /**
   * Replaces a secured router's allow-list (name -> z85 public key), e.g. a gossip inbox once the welcome
   * named the run's hosts. Live peers no longer allowed (or with a new key) are lost (`revoked`). Throws a
   * `config` StarlingError on a router without `security` or for a malformed list.
   */
  setAllow(allow: ReadonlyMap<string, string>): void {
    if (this.guard === undefined) throw errors.option('transport.security', 'set to change an allow-list', undefined);
    for (const name of this.guard.setAllow(allow)) this.markLost(name, 'revoked');
  }

  override close(options?: { lingerMs?: number }): Promise<void> {
    clearTimeout(this.probe);
    this.guard?.close();
    return super.close(options);
  }

  protected async attempt(peer: string, frames: Buffer[]): Promise<SendOutcome> {
    let id = this.ids.get(peer);
    if (this.guard !== undefined) {
      // with security a NAME is sent to at its verified id only; an unlisted NAME is sent nothing
      id = this.guard.routeOf(peer);
      if (id === undefined) return 'unreachable';
    } else if (!id) this.ids.set(peer, (id = Buffer.from(peer, 'latin1')));
    try {
      await (this.socket as Router).send([id, ...frames]);
      this.routed.set(peer, this.opts.now());
      this.unroutable.delete(peer);
      return 'sent';
    } catch (e) {
      const outcome = classifySendError(e);
      if (outcome === 'again') this.routed.set(peer, this.opts.now());
      return outcome;
    }
  }

  /** No route to `peer`: lost at once, or once it stayed unroutable for `reconnectGraceMs`. */
  protected unreachable(peer: string): boolean {
    if (!this.live.has(peer)) return false;
    const now = this.opts.now();
    const since = this.unroutable.get(peer) ?? now;
    this.unroutable.set(peer, since);
    if (now - since < this.opts.reconnectGraceMs) return false;
    this.markLost(peer, 'disconnected');
    return true;
  }

  protected override onGone(peer: string): void {
    this.routed.delete(peer);
    this.unroutable.delete(peer);
    this.outboxes.dropPeer(peer, 'peer-lost');
  }

  protected override forgive(ms: number): void {
    super.forgive(ms);
    for (const [peer, at] of this.routed) this.routed.set(peer, at + ms);
    for (const [peer, at] of this.unroutable) this.unroutable.set(peer, at + ms);
  }

  /** A ROUTER sees routes, not connections: a send in the last few ticks found one (heartbeats probe). */
  protected connectedTo(peer: string, now: number): boolean {
    return now - (this.routed.get(peer) ?? Number.NEGATIVE_INFINITY) <= 3 * this.tickMs;
  }

  protected heartbeatTargets(): Iterable<string> {
    return [...this.live.keys()];
  }

  private checkPeer(peer: string): void {
    if (typeof peer !== 'string' || !ID_PATTERN.test(peer)) {
      throw errors.protocol(`peer id must match ${ID_PATTERN}, got ${JSON.stringify(peer)}`);
    }
  }
}
