import { type Kernels, peerAttack } from '@starling/core';
import { type ChocoPeer, chocoPeer } from './choco-setup.js';
import { makeGossipCombine } from './gossip-aggregator-table.js';
import { GossipPeer } from './gossip-peer.js';
import { type GossipHostConfig, isReportRound } from './gossip-setup.js';
import { gossipTopology } from './gossip-topology.js';
import { initialModel } from './initial-model.js';
import type { PeerCheckpoint } from './peer-checkpoint.js';
import type { PeerTraining } from './peer-training.js';

/** A gossip host's peers as built from its welcome: the round logic and, with CHOCO, each peer's copies. */
export interface HostPeerSet {
  readonly peers: Map<number, GossipPeer>;
  readonly chocos: Map<number, ChocoPeer>;
}

/**
 * Builds the peers of `nodes` from a welcome's `config`: each starts at round `config.from` (default 0)
 * from its `saved` state when given (a resumed run or a replacement host: model, optimizer state, CHOCO
 * copies), else from x⁰ (`initialModel`), may begin rounds up to `config.grant` (absent: never holds),
 * and assigns each node's examples to `training` (D-PSGD).
 */
export function buildHostPeers(
  config: GossipHostConfig,
  nodes: readonly number[],
  kernels: Kernels,
  training: PeerTraining | null,
  saved?: ReadonlyMap<number, PeerCheckpoint>,
): HostPeerSet {
  const s = config.gossip;
  const from = config.from ?? 0;
  const topology = gossipTopology(s);
  const combine = makeGossipCombine(s.aggregator, 'welcome.config.gossip.aggregator');
  const peers = new Map<number, GossipPeer>();
  const chocos = new Map<number, ChocoPeer>();
  for (const node of nodes) {
    training?.assign(node, Int32Array.from(config.partition[String(node)] ?? []));
    const state = saved?.get(node);
    const choco = chocoPeer(s, node, topology, kernels);
    if (choco) chocos.set(node, choco);
    if (state?.choco) choco?.copies.restore(state.choco);
    if (state) training?.restore(node, state.optimizer);
    const peer = new GossipPeer({
      node,
      algorithm: s.algorithm,
      topology,
      rounds: s.rounds,
      reportRound: (r) => isReportRound(s, r),
      deadlineMs: s.roundDeadlineMs,
      kernels,
      initial: state?.x ?? initialModel(s, node),
      from,
      ...(config.grant !== undefined ? { granted: config.grant } : {}),
      choco,
      combine,
      attack: peerAttack(s.node.adversary, node, s.node.seed),
    });
    peers.set(node, peer);
  }
  return { peers, chocos };
}
