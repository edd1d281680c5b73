import type { DecodedTensor, UpdateHeader } from '@starling/transport';
import type { PeerReport } from './gossip-monitor.js';

/** The tensor name of a peer's model on the monitor channel. */
export const MODEL_TENSOR = 'model';

const MAX_METRICS = 64;

/**
 * A peer report as the `weight` and `metrics` of an `update` message on the monitor channel (the model,
 * on report rounds, travels as the f32 tensor `model`). Scalars first (`train_loss`, `steps`, `heard`,
 * `dropped`, `late`, `bytes_sent`, `bytes_received`, `messages_sent`, `messages_received`,
 * `payload_bytes`, `theoretical_bits`, `refused`), then
 * `dropped.<j>` = 1 per dropped neighbour and `to.<j>` = bytes sent to node j, as long as the 64
 * metrics an update may carry allow (`links_complete` = 1 when every link fit).
 */
export function encodeReport(r: PeerReport): { weight: number; metrics: Record<string, number> } {
  const m: Record<string, number> = {
    steps: r.steps,
    heard: r.heard,
    dropped: r.dropped,
    late: r.late,
    bytes_sent: r.bytesSent,
    bytes_received: r.bytesReceived,
    messages_sent: r.messagesSent,
    messages_received: r.messagesReceived,
    payload_bytes: r.payloadBytes,
    theoretical_bits: r.theoreticalBits,
    refused: r.refused,
    links_complete: 0,
  };
  if (r.trainLoss !== null && Number.isFinite(r.trainLoss)) m.train_loss = r.trainLoss;
  const extra: [string, number][] = [
    ...r.droppedNodes.map((j): [string, number] => [`dropped.${j}`, 1]),
    ...Object.entries(r.links).map(([j, bytes]): [string, number] => [`to.${j}`, bytes]),
  ];
  if (Object.keys(m).length + extra.length <= MAX_METRICS) {
    for (const [k, v] of extra) m[k] = v;
    m.links_complete = 1;
  }
  return { weight: r.samples, metrics: m };
}

/** The report an `update` from the monitor channel carries (see {@link encodeReport}). */
export function decodeReport(h: UpdateHeader, tensors: readonly DecodedTensor[]): PeerReport {
  const m = h.metrics;
  const droppedNodes: number[] = [];
  const links: Record<number, number> = {};
  for (const [k, v] of Object.entries(m)) {
    if (k.startsWith('dropped.')) droppedNodes.push(Number(k.slice(8)));
    else if (k.startsWith('to.')) links[Number(k.slice(3))] = v;
  }
  const model = tensors.find((t) => t.name === MODEL_TENSOR);
  return {
    node: h.node,
    round: h.round,
    trainLoss: m.train_loss ?? null,
    steps: m.steps ?? 0,
    heard: m.heard ?? 0,
    dropped: m.dropped ?? 0,
    droppedNodes: droppedNodes.sort((a, b) => a - b),
    late: m.late ?? 0,
    samples: h.weight,
    bytesSent: m.bytes_sent ?? 0,
    bytesReceived: m.bytes_received ?? 0,
    messagesSent: m.messages_sent ?? 0,
    messagesReceived: m.messages_received ?? 0,
    payloadBytes: m.payload_bytes ?? 0,
    theoreticalBits: m.theoretical_bits ?? 0,
    refused: m.refused ?? 0,
    links,
    model: model?.data instanceof Float32Array ? model.data : null,
  };
}
