/** Message and byte counts over one link (or all links), in the sense documented in docs/protocol.md. */
export interface LinkCounters {
  /** Messages the socket accepted for this peer. */
  messagesSent: number;
  /** Bytes of those messages: header frame plus tensor frames; the routing envelope is not counted. */
  bytesSent: number;
  /** Messages that arrived from this peer, including ones then rejected. */
  messagesReceived: number;
  /** Bytes of those messages (header plus tensor frames, routing envelope excluded). */
  bytesReceived: number;
  /** Arrived messages that failed validation. */
  rejected: number;
  /** Messages for this peer dropped before the socket accepted them (timeout, overflow, peer lost). */
  dropped: number;
  /** Received messages whose `seq` was not the previous one plus 1 (messages lost or peer restarted). */
  seqGaps: number;
}

/** A snapshot of an endpoint's counters; later snapshots minus earlier ones give per-round figures. */
export interface EndpointStats {
  readonly totals: LinkCounters;
  /** Per peer id, for every peer ever seen (kept after the peer is lost). */
  readonly peers: Record<string, LinkCounters>;
  /** Rejected messages per reason. */
  readonly rejected: Record<string, number>;
  /** Dropped outgoing messages per reason. */
  readonly dropped: Record<string, number>;
  /** Sent and received messages and bytes per message type. */
  readonly sentByType: Record<string, { messages: number; bytes: number }>;
  readonly receivedByType: Record<string, { messages: number; bytes: number }>;
  /** Exceptions thrown by the application's handlers (caught, never fatal to the endpoint). */
  readonly handlerErrors: number;
  /** ZeroMQ connection events seen on the socket (per TCP/IPC connection, not per peer). */
  readonly connections: Record<string, number>;
  /** Refused traffic, counted apart from everything above (zero unless the endpoint has `security`). */
  readonly refused: RefusedCounters;
}

/**
 * Traffic a secured ROUTER refused before decoding it: messages from routing ids that do not verify
 * (reason `unauthenticated`), and connections whose CURVE handshake failed (no CURVE, wrong server key,
 * or a key its ZAP allow-list denies). None of it is in `totals`, `peers` or the per-type counters.
 */
export interface RefusedCounters {
  messages: number;
  /** Bytes of the refused messages' frames (routing envelope excluded). */
  bytes: number;
  connections: number;
}

function zero(): LinkCounters {
  return {
    messagesSent: 0,
    bytesSent: 0,
    messagesReceived: 0,
    bytesReceived: 0,
    rejected: 0,
    dropped: 0,
    seqGaps: 0,
  };
}

function bump(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

/** Mutable counters behind {@link EndpointStats}. */
export class LinkStats {
  private readonly totals = zero();
  private readonly peers = new Map<string, LinkCounters>();
  private readonly rejected: Record<string, number> = {};
  private readonly dropped: Record<string, number> = {};
  private readonly sentByType: Record<string, { messages: number; bytes: number }> = {};
  private readonly receivedByType: Record<string, { messages: number; bytes: number }> = {};
  private readonly connections: Record<string, number> = {};
  private readonly refused: RefusedCounters = { messages: 0, bytes: 0, connections: 0 };
  handlerErrors = 0;

  private peer(id: string): LinkCounters {
    let c = this.peers.get(id);
    if (!c) this.peers.set(id, (c = zero()));
    return c;
  }

  sent(peer: string, type: string, bytes: number): void {
    for (const c of [this.totals, this.peer(peer)]) {
      c.messagesSent++;
      c.bytesSent += bytes;
    }
    const t = (this.sentByType[type] ??= { messages: 0, bytes: 0 });
    t.messages++;
    t.bytes += bytes;
  }

  /** Counts an arrived message; `peer` null when its routing id was unusable. */
  received(peer: string | null, type: string | null, bytes: number): void {
    for (const c of peer === null ? [this.totals] : [this.totals, this.peer(peer)]) {
      c.messagesReceived++;
      c.bytesReceived += bytes;
    }
    const t = (this.receivedByType[type ?? 'invalid'] ??= { messages: 0, bytes: 0 });
    t.messages++;
    t.bytes += bytes;
  }

  reject(peer: string | null, reason: string): void {
    this.totals.rejected++;
    if (peer !== null) this.peer(peer).rejected++;
    bump(this.rejected, reason);
  }

  drop(peer: string, reason: string): void {
    this.totals.dropped++;
    this.peer(peer).dropped++;
    bump(this.dropped, reason);
  }

  seqGap(peer: string): void {
    this.totals.seqGaps++;
    this.peer(peer).seqGaps++;
  }

  connection(event: string): void {
    bump(this.connections, event);
  }

  /** Counts a refused message of `bytes` (never in the totals). */
  refuse(bytes: number): void {
    this.refused.messages++;
    this.refused.bytes += bytes;
  }

  /** Counts a refused connection (failed CURVE handshake). */
  refuseConnection(): void {
    this.refused.connections++;
  }

  snapshot(): EndpointStats {
    const copy = <T extends object>(o: T): T => structuredClone(o);
    return {
      totals: { ...this.totals },
      peers: Object.fromEntries([...this.peers].map(([k, v]) => [k, { ...v }])),
      rejected: { ...this.rejected },
      dropped: { ...this.dropped },
      sentByType: copy(this.sentByType),
      receivedByType: copy(this.receivedByType),
      handlerErrors: this.handlerErrors,
      connections: { ...this.connections },
      refused: { ...this.refused },
    };
  }
}
