import { errors } from '@starling/core';
import { JoinScratch } from './chunks.js';
import { type DecodedTensor, type DecodeOptions, decodeMessage } from './codec.js';
import type { RejectReason, ResolvedOptions } from './endpoint-options.js';
import type { LinkStats } from './link-stats.js';
import type { Header } from './messages.js';
import { checkNonFiniteScan, type NonFiniteScan } from './non-finite.js';
import { MAX_SEQ, type MessageType } from './protocol.js';

/** An arrival that passed every check, or why it was refused (with the `seq` and type read, if any). */
export type Arrival =
  | { ok: true; peer: string; header: Header; tensors: DecodedTensor[]; bytes: number }
  | { ok: false; reason: RejectReason; detail: string; seq: number; type: MessageType | null };

/**
 * The receive side's checks and bookkeeping of an endpoint, one arrival at a time: decodes the frames
 * (size limits, schema, NaN/Inf scan of f32 payloads; chunked payloads joined in reused buffers when
 * `reuseJoinBuffers` is on, so a decoded tensor is valid only until the next arrival), counts every
 * arrival's bytes in `LinkStats` (refused ones too), refuses a bad routing id, a type this side does not
 * accept and another run's message, and counts gaps in each peer's `seq` (wrapping after `MAX_SEQ`).
 */
export class EndpointArrivals {
  private readonly accept: ReadonlySet<MessageType>;
  private readonly seqIn = new Map<string, number>();
  private decodeOptions: DecodeOptions;

  constructor(
    options: ResolvedOptions,
    private readonly counters: LinkStats,
  ) {
    this.accept = new Set(options.accept);
    const { maxMessageBytes, maxHeaderBytes, nonFiniteScan, reuseJoinBuffers } = options;
    const joinScratch = reuseJoinBuffers ? new JoinScratch() : undefined;
    this.decodeOptions = { maxMessageBytes, maxHeaderBytes, nonFiniteScan, joinScratch };
  }

  /**
   * Replaces the NaN/Inf scan of received f32 payloads (undefined: back to the JS `firstNonFinite`).
   * Throws a `config` StarlingError, and keeps the current scan, if `scan` disagrees with the reference.
   */
  setNonFiniteScan(scan: NonFiniteScan | undefined): void {
    const problem = scan === undefined ? null : checkNonFiniteScan(scan);
    if (problem !== null)
      throw errors.option('transport.nonFiniteScan', 'a scan that agrees with firstNonFinite', problem);
    this.decodeOptions = { ...this.decodeOptions, nonFiniteScan: scan };
  }

  /** Checks and counts `frames` from `peer` (null: a routing id that is not a valid peer id); `run`: the id required (undefined: any). */
  check(peer: string | null, frames: Buffer[], run: string | undefined): Arrival {
    if (peer === null) {
      let bytes = 0;
      for (const f of frames) bytes += f.byteLength;
      this.counters.received(null, null, bytes);
      return {
        ok: false,
        reason: 'routing-id',
        detail: 'routing id must match /^[A-Za-z0-9._:-]{1,64}$/',
        seq: -1,
        type: null,
      };
    }
    const res = decodeMessage(frames, this.decodeOptions);
    this.counters.received(peer, res.ok ? res.header.type : res.type, res.bytes);
    if (!res.ok) return res;
    const h = res.header;
    if (!this.accept.has(h.type))
      return { ok: false, reason: 'direction', detail: `${h.type} is not accepted here`, seq: h.seq, type: h.type };
    if (run !== undefined && h.run !== '' && h.run !== run)
      return {
        ok: false,
        reason: 'wrong-run',
        detail: `run ${JSON.stringify(h.run)} is not ${run}`,
        seq: h.seq,
        type: h.type,
      };
    const last = this.seqIn.get(peer);
    if (last !== undefined && h.seq !== (last === MAX_SEQ ? 0 : last + 1)) this.counters.seqGap(peer);
    this.seqIn.set(peer, h.seq);
    return { ok: true, peer, header: h, tensors: res.tensors, bytes: res.bytes };
  }

  /** `peer` was lost or left: its next message starts a new `seq` run. */
  forget(peer: string): void {
    this.seqIn.delete(peer);
  }
}
