/** What a `hello` from a host means for the run (see `Membership.hello`). */
export type HelloOutcome =
  /** A host that carries nodes registered again (e.g. restarted with the same id): welcome it back with them. */
  | 'rejoin'
  /** After the start, a host that carries no nodes: it may take over a lost host's nodes, else it is a spare. */
  | 'spare'
  /** A repeated hello before the start: nothing to do. */
  | 'repeat'
  /** One more host joined; still waiting for others. */
  | 'waiting'
  /** The last expected host joined: the run can start. */
  | 'complete';

/**
 * Who carries which nodes: the worker hosts that joined, their blocks of node ids (contiguous at the
 * start, hosts sorted by id), the spares (hosts known after the start that carry nothing), and the hosts
 * currently lost. A lost host's block can move whole to a spare (`transfer`). No I/O: the parameter
 * server acts on what it returns.
 */
export class Membership {
  private readonly pending: string[] = [];
  private readonly assigned = new Map<string, number[]>();
  private readonly owner = new Map<number, string>();
  private readonly lost = new Set<string>();
  private begun = false;

  /**
   * @param expected the worker hosts to wait for before round 0
   * @param nodeIds every node id of the run, split over the hosts in this order
   */
  constructor(
    private readonly expected: number,
    private readonly nodeIds: readonly number[],
  ) {}

  /** True once the nodes were assigned (the run started). */
  get started(): boolean {
    return this.begun;
  }

  /** How many hosts said hello before the start (and were not lost since). */
  get joined(): number {
    return this.pending.length;
  }

  /** Records a `hello` from `host` and says what to do about it. */
  hello(host: string): HelloOutcome {
    if (this.begun) {
      this.lost.delete(host);
      if (this.nodesOf(host).length > 0) return 'rejoin';
      this.assigned.set(host, []);
      return 'spare';
    }
    if (this.pending.includes(host)) return 'repeat';
    this.pending.push(host);
    return this.pending.length === this.expected ? 'complete' : 'waiting';
  }

  /**
   * Splits the nodes over the joined hosts in contiguous blocks (host i of H, sorted by id, gets the
   * nodes at positions k with ⌊k·H/K⌋ = i) and returns the hosts in that order.
   */
  start(): string[] {
    const hosts = [...this.pending].sort();
    hosts.forEach((host, i) => {
      const nodes = this.nodeIds.filter((_, k) => Math.floor((k * hosts.length) / this.nodeIds.length) === i);
      this.assigned.set(host, nodes);
      for (const n of nodes) this.owner.set(n, host);
    });
    this.begun = true;
    return hosts;
  }

  /**
   * A host speaks again without a hello (it never noticed the gap, e.g. its process was stopped): true
   * when it was lost after the start, so it must be welcomed back (with its nodes, or as a spare).
   */
  reconnected(host: string): boolean {
    return this.begun && this.assigned.has(host) && this.lost.delete(host);
  }

  /**
   * Marks `host` lost and returns the nodes it carries (empty for a spare or an unknown host). Before
   * the start a lost host is forgotten instead: the run waits for `expected` hosts that are alive.
   */
  markLost(host: string): readonly number[] {
    if (!this.begun) {
      const at = this.pending.indexOf(host);
      if (at >= 0) this.pending.splice(at, 1);
      return [];
    }
    this.lost.add(host);
    return this.nodesOf(host);
  }

  /** True when `host` said hello and was admitted: waiting for the start, or known since (carrier or spare). */
  registered(host: string): boolean {
    return this.assigned.has(host) || this.pending.includes(host);
  }

  /** True while `host` is lost (after the start). */
  isLost(host: string): boolean {
    return this.lost.has(host);
  }

  /** True when at least one host that carries nodes is connected. */
  carriersConnected(): boolean {
    for (const [host, nodes] of this.assigned) if (nodes.length > 0 && !this.lost.has(host)) return true;
    return false;
  }

  /** The first connected host (by id) that carries no nodes, if any. */
  connectedSpare(): string | undefined {
    return [...this.assigned]
      .filter(([h, nodes]) => nodes.length === 0 && !this.lost.has(h))
      .map(([h]) => h)
      .sort()[0];
  }

  /** Lost hosts that still carry nodes, sorted by id. */
  lostCarriers(): string[] {
    return [...this.lost].filter((h) => this.nodesOf(h).length > 0).sort();
  }

  /** Moves every node of `from` to `to` (which carried none) and returns them; `from` becomes a spare. */
  transfer(from: string, to: string): number[] {
    const nodes = this.nodesOf(from);
    this.assigned.set(from, []);
    this.assigned.set(to, nodes);
    for (const n of nodes) this.owner.set(n, to);
    return nodes;
  }

  /** The nodes `host` carries (empty before the start or for a spare host). */
  nodesOf(host: string): number[] {
    return this.assigned.get(host) ?? [];
  }

  /** The host carrying `node`, if any. */
  ownerOf(node: number): string | undefined {
    return this.owner.get(node);
  }
}
