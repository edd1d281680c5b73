/** Gossip traffic of one node in some rounds. */
export interface Traffic {
  bytesSent: number;
  bytesReceived: number;
  messagesSent: number;
  messagesReceived: number;
  /** Bytes sent to each receiver, by node id. */
  links: Record<number, number>;
}

const empty = (): Traffic => ({ bytesSent: 0, bytesReceived: 0, messagesSent: 0, messagesReceived: 0, links: {} });

/**
 * Per-node gossip byte and message counters, kept by the round a message is tagged with, so that a round
 * report counts exactly that round's messages however sends and arrivals interleave with other rounds.
 */
export class NodeTraffic {
  private readonly byNode = new Map<number, Map<number, Traffic>>();

  private of(node: number, round: number): Traffic {
    let rounds = this.byNode.get(node);
    if (!rounds) this.byNode.set(node, (rounds = new Map()));
    let t = rounds.get(round);
    if (!t) rounds.set(round, (t = empty()));
    return t;
  }

  /** `from` handed a round-`round` message of `bytes` to the wire for `to`. */
  sent(from: number, to: number, round: number, bytes: number): void {
    const t = this.of(from, round);
    t.bytesSent += bytes;
    t.messagesSent++;
    t.links[to] = (t.links[to] ?? 0) + bytes;
  }

  /** A round-`round` message of `bytes` for `to` arrived. */
  received(to: number, round: number, bytes: number): void {
    const t = this.of(to, round);
    t.bytesReceived += bytes;
    t.messagesReceived++;
  }

  /** The node's counters of every round up to `round` not taken yet (late arrivals included), then forgets them. */
  take(node: number, round: number): Traffic {
    const sum = empty();
    const rounds = this.byNode.get(node);
    for (const [r, t] of rounds ?? []) {
      if (r > round) continue;
      sum.bytesSent += t.bytesSent;
      sum.bytesReceived += t.bytesReceived;
      sum.messagesSent += t.messagesSent;
      sum.messagesReceived += t.messagesReceived;
      for (const [j, b] of Object.entries(t.links)) sum.links[Number(j)] = (sum.links[Number(j)] ?? 0) + b;
      rounds?.delete(r);
    }
    return sum;
  }
}
