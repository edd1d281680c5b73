/** Gossip traffic of one node since its previous report. */
export interface Traffic {
  bytesSent: number;
  bytesReceived: number;
  messagesSent: number;
  messagesReceived: number;
  links: Record<number, number>;
}

const empty = (): Traffic => ({ bytesSent: 0, bytesReceived: 0, messagesSent: 0, messagesReceived: 0, links: {} });

/** Per-node gossip byte and message counters, read and reset at each round report. */
export class NodeTraffic {
  private readonly byNode = new Map<number, Traffic>();

  private of(node: number): Traffic {
    let t = this.byNode.get(node);
    if (!t) this.byNode.set(node, (t = empty()));
    return t;
  }

  /** `from` handed a message of `bytes` to the wire for `to`. */
  sent(from: number, to: number, bytes: number): void {
    const t = this.of(from);
    t.bytesSent += bytes;
    t.messagesSent++;
    t.links[to] = (t.links[to] ?? 0) + bytes;
  }

  /** A message of `bytes` for `to` arrived. */
  received(to: number, bytes: number): void {
    const t = this.of(to);
    t.bytesReceived += bytes;
    t.messagesReceived++;
  }

  /** The node's counters since the last call, then zero. */
  take(node: number): Traffic {
    const t = this.of(node);
    this.byNode.set(node, empty());
    return t;
  }
}
