/** What a `hello` from a host means for the run (see `Membership.hello`). */
export type HelloOutcome =
  /** A host that already carries nodes registered again: welcome it back with the same nodes. */
  | 'rejoin'
  /** A host arrived after the start: welcome it with no nodes. */
  | 'spare'
  /** A repeated hello before the start: nothing to do. */
  | 'repeat'
  /** One more host joined; still waiting for others. */
  | 'waiting'
  /** The last expected host joined: the run can start. */
  | 'complete';

/**
 * Who carries which nodes: the worker hosts that joined, their contiguous blocks of node ids (hosts
 * sorted by id, fixed at the start), and the hosts currently lost. No I/O: the parameter server acts
 * on what it returns.
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

  /** How many hosts said hello before the start. */
  get joined(): number {
    return this.pending.length;
  }

  /** Records a `hello` from `host` and says what to do about it. */
  hello(host: string): HelloOutcome {
    if (this.assigned.has(host)) {
      this.lost.delete(host);
      return 'rejoin';
    }
    if (this.begun) return 'spare';
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
   * A host speaks again without a hello (it never noticed the gap, e.g. its main thread was blocked):
   * true when it was lost after the start and carries nodes, so it must be welcomed back.
   */
  reconnected(host: string): boolean {
    return this.begun && this.lost.delete(host) && this.assigned.has(host);
  }

  /** Marks `host` lost and returns the nodes it carries (empty for a spare or an unknown host). */
  markLost(host: string): readonly number[] {
    this.lost.add(host);
    return this.nodesOf(host);
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
