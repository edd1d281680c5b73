import { errors } from '@starling/core';
import { type HeaderOf, type IncomingMessage, SHARED_CODEC, type SharedLane } from '@starling/transport';
import type { ServerEvent } from '../round-types.js';
import type { TrafficMeter } from '../traffic.js';
import { type IncomingUpdate, UpdateDecoder } from '../update-decoder.js';
import type { ServerLog } from './server-log.js';

/** The decoding an update's `delta` goes through (an `UpdateDecoder`, or raw f32 without one). */
type Decode = Pick<UpdateDecoder, 'kind' | 'decode'>;

/** Without a decoder, updates must be raw float32 (the round machine checks their length). */
const RAW_F32: Decode = {
  kind: null,
  decode: (t: IncomingUpdate) => {
    if (t.codec !== undefined || !(t.data instanceof Float32Array)) throw errors.protocol('update: delta must be f32');
    return t.data;
  },
};

/**
 * Turns `update` messages into round-machine events: checks the sender owns the node, decodes the
 * `delta` (a malformed payload becomes a failure of that node in its round, never a crash), meters the
 * uplink payload, and counts every update refused here or by the round logic. With a `lane` (hosts in
 * this process), a `delta` of codec `shm` is resolved to the Δ in shared memory first and then decoded
 * as a raw f32 delta; it is metered as the f32 payload it delivers, as if it had crossed the wire.
 * A raw Δ that was already scanned for NaN/Inf (every f32 frame by the transport, a shm Δ when its writer
 * vouched for it) is passed on with `finite: true`, so the round machine does not scan it a second time.
 * `onRefused` is told the sender and wire size of every refused update (refused traffic, `refused_bytes`).
 */
export class UpdateIntake {
  private refused = 0;
  /** The host and wire size of each node's last update, to account for it if the round logic rejects it. */
  private readonly last = new Map<number, { peer: string; bytes: number }>();
  private readonly decoder: Decode;

  constructor(
    decoder: UpdateDecoder | undefined,
    private readonly meter: TrafficMeter,
    private readonly log: ServerLog,
    private readonly lane?: SharedLane,
    private readonly onRefused: (peer: string, bytes: number) => void = () => {},
  ) {
    this.decoder = decoder ?? RAW_F32;
  }

  /** Updates refused so far (no delta, wrong host, malformed, or rejected by the round logic). */
  get rejected(): number {
    return this.refused;
  }

  /** Counts one update of `node` the round logic rejected (late, unsolicited, duplicate, refused by a bound). */
  countRejected(node: number): void {
    this.refused++;
    const last = this.last.get(node);
    if (last) this.onRefused(last.peer, last.bytes);
    this.last.delete(node);
  }

  /** Refuses a whole message of updates from `m.peer` as malformed (`why`), counting it once. */
  refuse(m: IncomingMessage, why: string): void {
    this.refused++;
    this.onRefused(m.peer, m.bytes);
    this.log.warn({ host: m.peer, round: m.header.round, why }, 'malformed updates message refused');
  }

  /** The event for an update message from a host that `owner` says carries its node, or null to drop it. */
  accept(m: IncomingMessage, h: HeaderOf<'update'>, owner: string | undefined): ServerEvent | null {
    const delta = m.tensors.find((t) => t.name === 'delta');
    if (!delta || owner !== m.peer) {
      this.refused++;
      this.onRefused(m.peer, m.bytes);
      this.log.warn({ host: m.peer, node: h.node }, 'update without a delta or from the wrong host');
      return null;
    }
    let decoded: Float32Array;
    let payload: IncomingUpdate = delta;
    // A raw f32 frame was scanned for NaN/Inf by the transport on arrival (an IncomingMessage is
    // validated); a shm Δ may have been scanned by the pool thread that wrote it (the lane says).
    let finite = delta.dtype === 'f32' && delta.codec === undefined;
    try {
      if (this.lane && delta.codec === SHARED_CODEC) {
        payload = { data: this.lane.resolve(delta.data) };
        finite = this.lane.isVouched(delta.data);
      }
      decoded = this.decoder.decode(payload);
    } catch (err) {
      this.refused++;
      this.onRefused(m.peer, m.bytes);
      this.log.warn({ host: m.peer, node: h.node, round: h.round, err }, 'malformed update rejected');
      return { type: 'failure', round: h.round, node: h.node, reason: `rejected update: ${String(err)}` };
    }
    const reported = h.metrics.theoretical_bits;
    const bits =
      this.decoder.kind === null ? 32 * decoded.length : reported !== undefined && reported >= 0 ? reported : 0;
    const bytes = UpdateDecoder.payloadBytes(payload);
    this.meter.up(h.round, bytes, bits);
    this.last.set(h.node, { peer: m.peer, bytes: m.bytes });
    const trainLoss = h.metrics.train_loss ?? 0;
    const event = {
      type: 'update' as const,
      round: h.round,
      node: h.node,
      samples: h.weight,
      trainLoss,
      steps: h.metrics.steps,
      delta: decoded,
      bytes,
    };
    // Already scanned (and the decoding is the identity): the round machine skips its own scan.
    return finite && this.decoder.kind === null ? { ...event, finite } : event;
  }
}
