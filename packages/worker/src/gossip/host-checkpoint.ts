import { makeModel } from '@starling/core';
import type { DealerEndpoint, IncomingMessage } from '@starling/transport';
import type { HostLog } from '../worker-host.js';
import type { ChocoPeer } from './choco-setup.js';
import type { GossipPeer } from './gossip-peer.js';
import type { GossipHostConfig } from './gossip-setup.js';
import { optimizerCheckpoint, type PeerCheckpoint } from './peer-checkpoint.js';
import { peerStateFrames, peerStateFromFrames } from './peer-state-wire.js';
import type { PeerTraining } from './peer-training.js';

/** The model size of a gossip setup (floats). */
export function gossipModelSize(config: GossipHostConfig): number {
  const s = config.gossip;
  return makeModel(s.node.model, s.inputs, s.classes, s.node.loss).layout.size;
}

/** What a gossip host's checkpoint side reads: its peers, their CHOCO state and their training. */
export interface HostPeers {
  readonly peers: ReadonlyMap<number, GossipPeer>;
  readonly chocos: ReadonlyMap<number, ChocoPeer>;
  readonly training: PeerTraining | null;
}

/**
 * A gossip host's answer to `snapshot` (round t): one `peer-state` per peer it carries, each peer held
 * between rounds t and t + 1 (the coordinator asks only then). A peer that is elsewhere is logged and
 * left out; the coordinator's capture then times out with the missing nodes named.
 */
export function sendPeerStates(h: HostPeers, round: number, coordinator: DealerEndpoint, log: HostLog): void {
  for (const [node, peer] of h.peers) {
    if (peer.boundary !== round) {
      log.error({ node, round, at: peer.currentRound }, 'snapshot asked for a round the peer is not held after');
      continue;
    }
    const s: PeerCheckpoint = {
      node,
      x: peer.params,
      optimizer: optimizerCheckpoint(h.training?.state(node) ?? null),
      choco: h.chocos.get(node)?.copies.snapshot(round) ?? null,
    };
    const { state, tensors } = peerStateFrames(s);
    void coordinator.send({ type: 'peer-state', round, node, state }, tensors);
  }
}

/**
 * The states a resuming host waits for before its peers start (`welcome.config.from` > 0): one
 * `peer-state` of round `from − 1` per node it carries. `add` returns true once every node has one.
 */
export class PendingRestore {
  readonly states = new Map<number, PeerCheckpoint>();
  private readonly size: number;

  constructor(
    readonly config: GossipHostConfig,
    readonly nodes: readonly number[],
  ) {
    this.size = gossipModelSize(config);
  }

  /** Takes one `peer-state`; throws a `data` error for one that does not fit. */
  add(m: IncomingMessage): boolean {
    const h = m.header;
    if (h.type !== 'peer-state' || !this.nodes.includes(h.node)) return false;
    if (h.round + 1 !== this.config.from) return false;
    this.states.set(h.node, peerStateFromFrames(h.state, m.tensors, `peer-state of node ${h.node}`, h.node, this.size));
    return this.states.size === this.nodes.length;
  }
}
