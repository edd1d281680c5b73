/**
 * Who carries which gossip node, as the coordinator of a gossip run sees it: the registered hosts and
 * their gossip endpoints, each node's host, the nodes lost with their hosts (and which host each was
 * lost with, since a replacement takes one lost host's whole block), which hosts have reported since
 * their welcome, the round each host's peers start at, and the newest model each node reported.
 */
export class GossipMembership {
  /** Host id -> its gossip endpoint, in order of registration. */
  readonly joined = new Map<string, string>();
  /** The host carrying each node, by node id (empty before the start). */
  readonly owners: string[] = [];
  /** Nodes whose host is lost and not replaced. */
  readonly lost = new Set<number>();
  /** The newest model each node reported (report rounds): where a replacement peer may start from. */
  readonly models = new Map<number, { readonly round: number; readonly x: Float32Array }>();
  private readonly lostWith = new Map<number, string>();
  private readonly everLost = new Set<number>();
  private readonly reporting = new Set<string>();
  private readonly firstRound = new Map<string, number>();
  /** Peers taken over by replacement hosts (a node replaced twice counts twice). */
  rejoined = 0;

  constructor(readonly nodes: readonly number[]) {}

  /** Nodes lost at some time during the run (replaced or not). */
  get everLostCount(): number {
    return this.everLost.size;
  }

  /** At the start: the registered hosts, sorted by id, each take a contiguous block of node ids. */
  assign(): string[] {
    const hosts = [...this.joined.keys()].sort();
    const n = this.nodes.length;
    for (const node of this.nodes) this.owners[node] = hosts[Math.floor((node * hosts.length) / n)];
    return hosts;
  }

  /** The nodes `host` carries (lost ones included). */
  nodesOf(host: string): number[] {
    return this.nodes.filter((n) => this.owners[n] === host);
  }

  /** The nodes `host` carries that are not lost. */
  liveNodesOf(host: string): number[] {
    return this.nodes.filter((n) => this.owners[n] === host && !this.lost.has(n));
  }

  /** The hosts carrying nodes that are in `connected`, sorted. */
  liveHosts(connected: Iterable<string>): string[] {
    const live = new Set(connected);
    return [...new Set(this.owners)].filter((h) => live.has(h)).sort();
  }

  /** `host` is gone with its live `nodes`. */
  lose(host: string, nodes: readonly number[]): void {
    for (const n of nodes) {
      this.lost.add(n);
      this.lostWith.set(n, host);
      this.everLost.add(n);
    }
  }

  /** The nodes of the lost host whose block starts lowest (what one replacement takes), or []. */
  lostBlock(): number[] {
    const first = this.nodes.find((n) => this.lost.has(n));
    if (first === undefined) return [];
    const host = this.lostWith.get(first);
    return this.nodes.filter((n) => this.lost.has(n) && this.lostWith.get(n) === host);
  }

  /** `host` (gossip `endpoint`) replaces the lost `block`, whose peers start at round `from`. */
  moveTo(host: string, endpoint: string, block: readonly number[], from: number): void {
    this.joined.set(host, endpoint);
    for (const n of block) {
      this.owners[n] = host;
      this.lost.delete(n);
      this.lostWith.delete(n);
    }
    this.firstRound.set(host, from);
    this.rejoined += block.length;
  }

  /** A report of `node` from `host` for `round` (with its model on report rounds). */
  noteReport(host: string, node: number, round: number, model: Float32Array | null): void {
    this.reporting.add(host);
    if (model) this.models.set(node, { round, x: model });
  }

  /** `host` was (re)welcomed: a later hello from it is a duplicate until it reports. */
  welcomed(host: string): void {
    this.reporting.delete(host);
  }

  /** Whether `host` reported since its last welcome (a hello from it then means a restarted process). */
  hasReported(host: string): boolean {
    return this.reporting.has(host);
  }

  /** The round `host`'s peers start at: `from` for the hosts of the start, later for a replacement. */
  firstRoundOf(host: string, from: number): number {
    return this.firstRound.get(host) ?? from;
  }
}
