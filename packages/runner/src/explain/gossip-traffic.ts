import type { Kernels } from '@starling/core';
import { gossipTopology, gossipWireBytes } from '@starling/worker';
import type { ExperimentConfig } from '../config/schema.js';
import type { PreparedGossip } from '../drivers/gossip/prepare.js';
import type { TrafficPlan } from './explanation.js';
import { payloadSize } from './payload-size.js';
import { roundSpans, spanTotals } from './round-spans.js';

/**
 * The gossip bytes of a run without losses, round by round: every peer sends its model (raw float32) or
 * its CHOCO payload `C(x − x̂)` to each receiver of the round's mixing matrix, and every message arrives.
 * A message counts its header frame and payload (`gossipWireBytes`, what the peers count on the wire and
 * the inline runtime reports), so `bytes_up` (sent) and `bytes_down` (received) are equal. Headers grow
 * by a byte or two as round and node ids pass msgpack's size steps, so rounds differ slightly.
 */
export function gossipTraffic(cfg: ExperimentConfig, prep: PreparedGossip, kernels: Kernels): TrafficPlan {
  const layout = prep.model.layout;
  const choco = prep.setup.choco;
  const size = payloadSize(choco?.compressor, layout, kernels, 'compression.gossip');
  const value = choco ? new Uint8Array(size.bytes) : new Float32Array(layout.size);
  const codec = choco?.compressor.kind;
  const topology = gossipTopology(prep.setup);
  let minMsg = Number.POSITIVE_INFINITY;
  let maxMsg = 0;
  const perRound = Array.from({ length: prep.rounds }, (_, round) => {
    const { sendTo } = topology.at(round);
    let bytes = 0;
    let messages = 0;
    sendTo.forEach((receivers, from) => {
      for (const to of receivers) {
        const b = gossipWireBytes(cfg.name, round, from, to, value, codec);
        minMsg = Math.min(minMsg, b);
        maxMsg = Math.max(maxMsg, b);
        bytes += b;
        messages++;
      }
    });
    return { bytes_up: bytes, bytes_down: bytes, messages };
  });
  const rounds = roundSpans(perRound);
  const extra = size.max - size.bytes;
  const link = {
    link: 'peer->peer',
    payload_bytes: size.bytes,
    payload_bytes_max: size.max,
    message_bytes: { min: Number.isFinite(minMsg) ? minMsg : 0, max: maxMsg + extra },
    compression: choco ? `${choco.compressor.kind} (CHOCO-SGD, gamma ${choco.gamma})` : 'none (float32)',
    exact: size.exact,
  };
  const note =
    'gossip bytes with header frames (bytes_up = sent, bytes_down = received in metrics.jsonl), every ' +
    `message delivered${size.exact ? '' : `; ${choco?.compressor.kind} payloads vary with the data, so figures are lower bounds`}`;
  return { counted: 'wire', links: [link], rounds, total: spanTotals(rounds), exact: size.exact, note };
}
