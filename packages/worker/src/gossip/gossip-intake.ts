import type { GossipHeader, IncomingMessage } from '@starling/transport';
import type { GossipPeer } from './gossip-peer.js';
import type { GossipHostConfig } from './gossip-setup.js';
import { GOSSIP_TENSOR } from './wire-size.js';

/** A gossip value a host accepted for one of its peers: round `round`'s value of node `from` for node `to`. */
export interface AcceptedGossip {
  readonly to: number;
  readonly from: number;
  readonly round: number;
  /** Model-sized float32 (plain gossip) or the CHOCO payload bytes, which the peer decodes and checks. */
  readonly value: Float32Array | Uint8Array;
}

/**
 * Checks a `gossip` message that reached a host: its destination must be one of the host's `peers`, its
 * sender the host that carries the node it claims (`owners`, the welcome's, updated by `moved`), and its
 * tensor a CHOCO payload (u8) or, without CHOCO, a float32 vector of the model's length. Null: refused.
 */
export function acceptGossip(
  m: IncomingMessage,
  h: GossipHeader,
  config: GossipHostConfig,
  owners: readonly string[],
  peers: ReadonlyMap<number, GossipPeer>,
): AcceptedGossip | null {
  const peer = peers.get(h.to);
  const t = m.tensors.find((x) => x.name === GOSSIP_TENSOR);
  const ok = config.gossip.choco
    ? t?.dtype === 'u8'
    : t?.data instanceof Float32Array && t.data.length === peer?.params.length;
  if (!peer || owners[h.node] !== m.peer || !ok || t === undefined) return null;
  return { to: h.to, from: h.node, round: h.round, value: t.data as Float32Array | Uint8Array };
}
