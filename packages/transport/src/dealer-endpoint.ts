import { errors } from '@starling/core';
import { Dealer } from 'zeromq';
import type { TensorInput } from './codec.js';
import { classifySendError, Endpoint, type SendOptions } from './endpoint.js';
import { type EndpointOptions, type ResolvedOptions, resolveOptions } from './endpoint-options.js';
import type { OutgoingHeader } from './messages.js';
import type { SendOutcome, SendResult } from './outbox.js';
import { ID_PATTERN, TO_DEALER } from './protocol.js';
import { dealerCurveOptions } from './security/dealer-curve.js';
import { type DealerSecurity, withCurveChunks } from './security/identity.js';
import { redialOnAuthFailure } from './security/redial.js';
import { watchConnections } from './watch-connections.js';

/** Options of a {@link DealerEndpoint}. */
export interface DealerOptions extends EndpointOptions {
  /** This host's ZeroMQ routing id, the peer id the ROUTER sees (`ID_PATTERN`). */
  readonly routingId: string;
  /** The peer id under which the remote ROUTER appears in events and messages (default `server`). */
  readonly peerName?: string;
  /** First and largest reconnection delay in ms (defaults 100 and 1000). */
  readonly reconnectMs?: number;
  readonly reconnectMaxMs?: number;
  /**
   * CURVE client with a key bound to the routing id (docs/security.md): `routingId` must equal
   * `identity.name`; the socket's ZeroMQ routing id becomes `NAME~TAG`, which the server verifies.
   * Absent: plaintext, as before.
   */
  readonly security?: DealerSecurity;
}

/**
 * The worker-host (or gossip-neighbour) side: a DEALER connected to one ROUTER, with a fixed routing
 * id, automatic reconnection, ZMTP and application heartbeats, and the same validation, counters and
 * never-rejecting sends as the ROUTER side. Its one peer is `joined` on the first message from the
 * ROUTER and `lost` when the connection drops or the ROUTER is silent for `peerTimeoutMs`; messages
 * sent meanwhile wait in ZeroMQ's queue and go out after reconnection.
 */
export class DealerEndpoint extends Endpoint {
  /** The address connected to. */
  readonly address: string;
  /** The remote ROUTER's peer id in events and messages. */
  readonly peerName: string;
  /** A ZMTP handshake completed and no disconnection followed. */
  private linkUp = false;
  /** Pending loss after a disconnection, cancelled by a new handshake (`reconnectGraceMs`). */
  private grace: NodeJS.Timeout | undefined;
  /** Stops dialling again after ZAP denials (secured DEALERs only). */
  private stopRedial = () => {};

  private constructor(socket: Dealer, address: string, options: ResolvedOptions, peerName: string) {
    super(socket, options);
    this.address = address;
    this.peerName = peerName;
    const lose = () => {
      clearTimeout(this.grace);
      this.grace = undefined;
      this.markLost(this.peerName, 'disconnected');
    };
    const down = () => {
      this.linkUp = false;
      clearTimeout(this.grace);
      if (options.reconnectGraceMs === 0) lose();
      else this.grace = setTimeout(lose, options.reconnectGraceMs);
    };
    const up = () => {
      this.linkUp = true;
      clearTimeout(this.grace);
      this.grace = undefined;
    };
    // a refused reconnection means the ROUTER's process is gone: no grace
    watchConnections(socket, this.counters, down, up, () => {
      if (this.grace !== undefined) lose();
    });
    this.startReceiving(async () => ({ peer: this.peerName, frames: await socket.receive() }));
  }

  /** Connects a DEALER to `address` (connection and reconnection happen in the background). */
  static connect(address: string, options: DealerOptions): DealerEndpoint {
    if (typeof options.routingId !== 'string' || !ID_PATTERN.test(options.routingId)) {
      throw errors.option('transport.routingId', `a string matching ${ID_PATTERN}`, options.routingId);
    }
    const peerName = options.peerName ?? 'server';
    if (!ID_PATTERN.test(peerName)) throw errors.option('transport.peerName', `${ID_PATTERN}`, peerName);
    const o = resolveOptions(withCurveChunks(options), TO_DEALER);
    const socket = new Dealer({
      ...dealerCurveOptions(options.routingId, options.security),
      linger: 0,
      sendTimeout: 0,
      immediate: false,
      sendHighWaterMark: o.sendHighWaterMark,
      receiveHighWaterMark: o.receiveHighWaterMark,
      maxMessageSize: o.maxMessageBytes,
      heartbeatInterval: o.zmtpHeartbeatMs,
      heartbeatTimeout: o.zmtpTimeoutMs,
      reconnectInterval: options.reconnectMs ?? 100,
      reconnectMaxInterval: options.reconnectMaxMs ?? 1000,
    });
    const endpoint = new DealerEndpoint(socket, address, o, peerName);
    if (options.security !== undefined) {
      const delays = { minMs: options.reconnectMs ?? 100, maxMs: options.reconnectMaxMs ?? 1000 };
      endpoint.stopRedial = redialOnAuthFailure(socket, address, delays, o.log);
    }
    try {
      socket.connect(address);
    } catch (e) {
      void endpoint.close();
      throw errors.runtime(`cannot connect to ${address}: ${(e as Error).message}`, e);
    }
    return endpoint;
  }

  /** True between the first message from the ROUTER and the next loss of it. */
  get connected(): boolean {
    return this.live.has(this.peerName);
  }

  /**
   * Queues one message for the ROUTER. Throws synchronously if the header or a tensor is invalid;
   * otherwise resolves once the socket accepted the message or it was dropped (never rejects).
   */
  send(header: OutgoingHeader, tensors: readonly TensorInput[] = [], o?: SendOptions): Promise<SendResult> {
    return this.enqueue(this.peerName, header, this.encodeShared(tensors), o);
  }

  override close(options?: { lingerMs?: number }): Promise<void> {
    clearTimeout(this.grace);
    this.stopRedial();
    return super.close(options);
  }

  protected async attempt(_peer: string, frames: Buffer[]): Promise<SendOutcome> {
    try {
      await (this.socket as Dealer).send(frames);
      return 'sent';
    } catch (e) {
      return classifySendError(e);
    }
  }

  protected unreachable(): boolean {
    return false;
  }

  protected heartbeatTargets(): Iterable<string> {
    return [this.peerName];
  }

  protected connectedTo(): boolean {
    return this.linkUp;
  }
}
