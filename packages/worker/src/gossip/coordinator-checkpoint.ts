import { errors } from '@starling/core';
import type { IncomingMessage, RouterEndpoint } from '@starling/transport';
import type { HostLog } from '../worker-host.js';
import type { HoldControl } from './coordinator-hold.js';
import type { PeerCheckpoint } from './peer-checkpoint.js';
import { peerStateFrames, peerStateFromFrames } from './peer-state-wire.js';

/** What {@link GossipBoundaries} needs from the coordinator. */
export interface GossipBoundariesOptions {
  readonly router: RouterEndpoint;
  readonly peers: number;
  readonly rounds: number;
  readonly modelSize: number;
  readonly log: HostLog;
  /** The host carrying each node (filled in when the run starts). */
  readonly owners: readonly string[];
  /** Nodes lost so far. */
  readonly lost: ReadonlySet<number>;
  /** The driver's call at each round boundary (see `GossipCoordinatorOptions.boundary`). */
  readonly boundary: (round: number, capture: () => Promise<PeerCheckpoint[]>) => Promise<void>;
  /** The states a resumed run starts from, by node id. */
  readonly resume?: { readonly round: number; readonly peers: readonly PeerCheckpoint[] };
  /** How long a capture waits for every `peer-state` (default 60 s). */
  readonly stateTimeoutMs?: number;
  /** Where the peers stand still: only there does a boundary run. */
  readonly hold: HoldControl;
}

interface Capture {
  readonly round: number;
  readonly got: Map<number, PeerCheckpoint>;
  readonly done: (e?: unknown) => void;
}

/**
 * The checkpoint side of a gossip coordinator (docs/protocol.md, "Checkpoints of a gossip run"). The
 * peers stand still only after the rounds `hold` names (a checkpoint is due, or an interrupt aligned
 * them there); once such a round t is recorded, `pass(t)` runs the driver's `boundary(t, capture)` and
 * then grants the rounds up to the next hold round (`proceed`). Other rounds have no boundary. A
 * capture sends `snapshot` (round t) to the hosts and resolves with every peer's `peer-state` reply, by
 * node id; the newest capture (or the resumed run's states) is kept for a replacement host (`latest`).
 * On a resumed run, `restore` sends each host its peers' states right after its `welcome`.
 */
export class GossipBoundaries {
  private capturing: Capture | null = null;
  private newest: { readonly round: number; readonly peers: readonly PeerCheckpoint[] } | null;

  constructor(private readonly o: GossipBoundariesOptions) {
    this.newest = o.resume ?? null;
  }

  /** The newest checkpoint's peer states (captured by this run, or resumed from), or null. */
  get latest(): { readonly round: number; readonly peers: readonly PeerCheckpoint[] } | null {
    return this.newest;
  }

  /**
   * Runs the boundary after round `round` when the peers stand still there, then lets every host go on
   * to the next hold round. Returns whether a boundary ran.
   */
  async pass(round: number): Promise<boolean> {
    if (!this.o.hold.isHold(round)) return false;
    await this.o.boundary(round, () => this.capture(round));
    this.o.hold.passed(round);
    return true;
  }

  /** Sends host `host` the saved state of each of `nodes` (a resumed run, right after `welcome`). */
  restore(host: string, nodes: readonly number[]): void {
    const resume = this.o.resume;
    if (!resume) return;
    for (const node of nodes) {
      const { state, tensors } = peerStateFrames(resume.peers[node]);
      void this.o.router.send(host, { type: 'peer-state', round: resume.round, node, state }, tensors);
    }
  }

  /** A `peer-state` message from a host: one peer's reply to the capture in progress. */
  onState(m: IncomingMessage): void {
    const h = m.header;
    const c = this.capturing;
    if (h.type !== 'peer-state' || c === null || h.round !== c.round || this.o.owners[h.node] !== m.peer) {
      this.o.log.warn(
        { host: m.peer, node: h.node, round: h.round },
        'peer-state refused: no capture of that round, or not its host',
      );
      return;
    }
    try {
      c.got.set(
        h.node,
        peerStateFromFrames(h.state, m.tensors, `peer-state of node ${h.node}`, h.node, this.o.modelSize),
      );
    } catch (err) {
      c.done(err);
      return;
    }
    if (c.got.size === this.o.peers) c.done();
  }

  /** Nodes were lost: a capture in progress cannot complete. */
  onLost(nodes: readonly number[]): void {
    if (this.capturing && nodes.length > 0) this.capturing.done(this.lostError(this.capturing.round, nodes));
  }

  private hosts(): string[] {
    const live = new Set(this.o.router.peers());
    return [...new Set(this.o.owners)].filter((h) => live.has(h)).sort();
  }

  private lostError(round: number, nodes: readonly number[]) {
    return errors.runtime(
      `cannot checkpoint round ${round}: peers ${[...nodes].sort((a, b) => a - b).join(', ')} were lost (their state is gone with their host)`,
    );
  }

  private async capture(round: number): Promise<PeerCheckpoint[]> {
    if (this.o.lost.size > 0) throw this.lostError(round, [...this.o.lost]);
    const got = new Map<number, PeerCheckpoint>();
    const ms = this.o.stateTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        this.capturing = { round, got, done: (e) => (e === undefined ? resolve() : reject(e)) };
        timer = setTimeout(() => {
          const missing = Array.from({ length: this.o.peers }, (_, n) => n).filter((n) => !got.has(n));
          reject(errors.runtime(`no peer-state of round ${round} from peers ${missing.join(', ')} within ${ms} ms`));
        }, ms);
        for (const host of this.hosts()) void this.o.router.send(host, { type: 'snapshot', round, node: -1 });
      });
    } finally {
      clearTimeout(timer);
      this.capturing = null;
    }
    const peers = Array.from({ length: this.o.peers }, (_, n) => got.get(n) as PeerCheckpoint);
    this.newest = { round, peers };
    return peers;
  }
}
