import { errors } from '../errors.js';
import { Rng } from '../rng/rng.js';

/** TCP payload bytes per segment on a 1500-byte Ethernet MTU (IPv4 + TCP with timestamps). */
export const SEGMENT_BYTES = 1448;

/** A client's packet loss: the per-segment loss probability and the key of its own loss stream. */
export interface PacketLoss {
  /** Probability that one transmission of a segment is lost, in [0, 1). */
  readonly rate: number;
  /** The key of `fork('packet-loss')` of the client's systems stream (so hosts can rebuild it). */
  readonly key: readonly [number, number];
}

/** Which way a message goes: the model down to the client, or its update up to the server. */
export type LossDirection = 'down' | 'up';

/**
 * Seeded packet loss on a reliable (TCP) link, as extra time, never as lost data: a message of b bytes
 * is ⌈b / 1448⌉ segments; each transmission of a segment is lost with probability `rate`, independently,
 * and is sent again until it gets through, so segment j needs 1 + R_j transmissions with R_j geometric.
 * Each retransmission costs one round trip (fast retransmit: the loss is noticed one RTT = 2·latency
 * after the segment left) plus its own serialization 8·1448/bps, and retransmissions do not overlap:
 * the model of one flow that recovers one segment at a time (an upper end of TCP's recovery cost,
 * below its 200 ms minimum retransmission timeout). A message of 0 bytes still sends one segment.
 *
 * The draws come from `Rng.fromKey(loss.key).fork(direction, round)`: the same (client, round,
 * direction) gives the same retransmissions on the server's virtual clock and on the worker host that
 * emulates the link, in any order.
 * @param bytes payload bytes of the message
 * @param latencyS one-way latency, s
 * @param bps the link's rate, bit/s (Infinity: no serialization time)
 * @returns the extra seconds the retransmissions add; 0 when `rate` is 0
 */
export function retransmitSeconds(
  loss: PacketLoss,
  round: number,
  direction: LossDirection,
  bytes: number,
  latencyS: number,
  bps: number,
): number {
  if (loss.rate === 0) return 0;
  const segments = Math.max(1, Math.ceil(bytes / SEGMENT_BYTES));
  const rng = Rng.fromKey(loss.key).fork(direction, round);
  let resent = 0;
  for (let j = 0; j < segments; j++) while (rng.uniform() < loss.rate) resent++;
  return resent * (2 * latencyS + (8 * SEGMENT_BYTES) / bps);
}

/** The expected value of {@link retransmitSeconds}: segments · rate/(1 − rate) retransmissions. */
export function expectedRetransmitSeconds(rate: number, bytes: number, latencyS: number, bps: number): number {
  const segments = Math.max(1, Math.ceil(bytes / SEGMENT_BYTES));
  return ((segments * rate) / (1 - rate)) * (2 * latencyS + (8 * SEGMENT_BYTES) / bps);
}

/** Checks a loss probability drawn for client `id` (errors name `systems.network.lossRate`). */
export function checkLossRate(rate: number, id: number): number {
  if (!(rate >= 0 && rate < 1)) throw errors.option('systems.network.lossRate', `in [0, 1) for client ${id}`, rate);
  return rate;
}
