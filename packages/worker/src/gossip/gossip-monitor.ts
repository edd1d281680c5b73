import type { PeerRoundReport } from './peer-events.js';

/** A peer's round report as the monitor channel delivers it: the round logic's report plus traffic. */
export interface PeerReport extends Omit<PeerRoundReport, 'heard' | 'dropped'> {
  /** How many in-neighbours' values entered the average. */
  readonly heard: number;
  /** How many in-neighbours were left out (silent by the deadline, or known lost). */
  readonly dropped: number;
  /** Their node ids when known (the monitor channel may leave them out on very large degrees). */
  readonly droppedNodes: readonly number[];
  /** The node's local training examples n_i (0 for consensus). */
  readonly samples: number;
  /** Gossip bytes and messages this node sent and received since its previous report (header + payload frames). */
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly messagesSent: number;
  readonly messagesReceived: number;
  /** Bytes this node sent to each receiver since its previous report, by receiver node id. */
  readonly links: Readonly<Record<number, number>>;
  /** x_i after the round on report rounds (see `isReportRound`), else null. */
  readonly model: Float32Array | null;
}

/** Every report of one round, once each peer still alive has reported it. */
export interface GossipRound {
  readonly round: number;
  /** By node id. */
  readonly reports: readonly PeerReport[];
  /** Nodes that stopped reporting before this round (lost peers), ascending. */
  readonly lost: readonly number[];
  /** Lost nodes that report again from this round on (a replacement host took them), ascending. */
  readonly back: readonly number[];
}

/**
 * Collects peer reports, which arrive in any order and with peers rounds apart, and releases whole rounds
 * in round order. A round is complete when every node has reported it or was lost before it; a node is
 * lost from the round after its last report on.
 */
export class GossipMonitor {
  private readonly pending = new Map<number, Map<number, PeerReport>>();
  private readonly last = new Map<number, number>();
  private readonly goneFrom = new Map<number, number>();
  private readonly backFrom = new Map<number, number>();
  private next: number;

  /** @param from the first round to collect (a resumed run starts after its checkpoint's round) */
  constructor(
    private readonly nodes: readonly number[],
    readonly rounds: number,
    from = 0,
  ) {
    this.next = from;
  }

  /** True once every round was released. */
  get finished(): boolean {
    return this.next >= this.rounds;
  }

  /** The next round to be released. */
  get nextRound(): number {
    return this.next;
  }

  /** Adds a report; returns the rounds it completed, in order. Duplicates and released rounds are ignored. */
  add(report: PeerReport): GossipRound[] {
    if (report.round < this.next || report.round >= this.rounds) return [];
    let box = this.pending.get(report.round);
    if (!box) this.pending.set(report.round, (box = new Map()));
    if (box.has(report.node)) return [];
    box.set(report.node, report);
    this.last.set(report.node, Math.max(this.last.get(report.node) ?? -1, report.round));
    return this.release();
  }

  /** Marks a node lost: no report is awaited from it after its last one. Returns completed rounds. */
  lose(node: number): GossipRound[] {
    const back = this.backFrom.get(node);
    if (!this.goneFrom.has(node) || back !== undefined) {
      this.goneFrom.set(node, Math.max((this.last.get(node) ?? -1) + 1, back ?? 0));
      this.backFrom.delete(node);
    }
    return this.release();
  }

  /** A lost node reports again from round `from` on (a replacement host carries it). */
  back(node: number, from: number): void {
    if (this.goneFrom.has(node)) this.backFrom.set(node, Math.max(from, this.goneFrom.get(node) as number));
  }

  private expected(node: number, round: number): boolean {
    const from = this.goneFrom.get(node);
    const back = this.backFrom.get(node);
    return from === undefined || round < from || (back !== undefined && round >= back);
  }

  private release(): GossipRound[] {
    const out: GossipRound[] = [];
    while (this.next < this.rounds) {
      const r = this.next;
      const box = this.pending.get(r) ?? new Map<number, PeerReport>();
      if (!this.nodes.every((n) => box.has(n) || !this.expected(n, r))) break;
      const reports = [...box.values()].sort((a, b) => a.node - b.node);
      const lost = this.nodes.filter((n) => !box.has(n) && !this.expected(n, r)).sort((a, b) => a - b);
      const back = this.nodes.filter((n) => this.backFrom.get(n) === r);
      out.push({ round: r, reports, lost, back });
      this.pending.delete(r);
      this.next++;
    }
    return out;
  }
}
