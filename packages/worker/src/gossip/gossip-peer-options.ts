import type { Kernels, PeerAttack } from '@starling/core';
import type { ChocoPeer } from './choco-setup.js';
import type { GossipCombine } from './gossip-combine.js';
import type { GossipAlgorithm } from './gossip-setup.js';
import type { RoundTopology } from './round-topology.js';

/** How one peer is set up. */
export interface GossipPeerOptions {
  readonly node: number;
  readonly algorithm: GossipAlgorithm;
  readonly topology: RoundTopology;
  readonly rounds: number;
  /** Rounds after which the model goes to the monitor (see `isReportRound`). */
  readonly reportRound: (round: number) => boolean;
  /** Wait for neighbours after sending (ms). */
  readonly deadlineMs: number;
  readonly kernels: Kernels;
  /** x at the start of round `from` (x⁰ for a fresh run; not written by the peer). */
  readonly initial: Float32Array;
  /** The first round to run (default 0; a resumed peer starts after its checkpoint's round). */
  readonly from?: number;
  /**
   * The last round the peer may begin before a `proceed` event grants more (default: every round).
   * A driver that captures checkpoints holds its peers at each round boundary this way.
   */
  readonly granted?: number;
  /** Messages for rounds further ahead than this are discarded (default 64). */
  readonly maxAhead?: number;
  /** CHOCO-SGD state (`chocoPeer`): send compressed differences against public copies instead of values. */
  readonly choco?: ChocoPeer;
  /** How values are combined at the end of a round (default: plain gossip, `gossipMean`). */
  readonly combine?: GossipCombine;
  /**
   * A Byzantine peer's attack on what it sends (`peerAttack` of @starling/core); absent or null: honest.
   * Its own mixing keeps its honest value. A rushing (omniscient) peer sends once it holds every honest
   * in-neighbour's value of the round (or the deadline passed).
   */
  readonly attack?: PeerAttack | null;
}
