import { type HeaderOf, type IncomingMessage, SHARED_CODEC } from '@starling/transport';

/** Bytes of one `shm` reference in an `updates` message's `delta` tensor (arena, offset, length: u32 each). */
const REF_BYTES = 12;

/**
 * An `updates` message (docs/protocol.md) as the `update` messages it stands for, in entry order: entry
 * k's header fields, and as its `delta` the k-th 12-byte `shm` reference of the one `delta` tensor (a
 * view, not a copy). Each gets an equal share of the message's bytes (the first one the remainder), so
 * the refused-traffic accounting of a rejected node stays close to what it sent. A string says why the
 * message is malformed as a whole (then none of it is taken).
 */
export function splitUpdates(m: IncomingMessage, h: HeaderOf<'updates'>): IncomingMessage[] | string {
  const t = m.tensors[0];
  const n = h.entries.length;
  if (m.tensors.length !== 1 || t?.name !== 'delta' || t.dtype !== 'u8' || t.codec !== SHARED_CODEC)
    return `updates: want one u8 tensor 'delta' of codec ${SHARED_CODEC}`;
  if (t.length !== REF_BYTES * n)
    return `updates: 'delta' must hold ${REF_BYTES} bytes per entry (${REF_BYTES * n}), got ${t.length}`;
  const data = t.data as Uint8Array;
  const share = Math.floor(m.bytes / n);
  // Every entry's one tensor: a reference of REF_BYTES, described the same way in header and body.
  const ref = { name: 'delta', dtype: 'u8' as const, length: REF_BYTES, codec: SHARED_CODEC };
  const descriptor = { ...ref, bytes: REF_BYTES };
  return h.entries.map((e, k) => {
    const header = {
      type: 'update' as const,
      v: h.v,
      run: h.run,
      round: h.round,
      node: e.node,
      seq: h.seq,
      tensors: [descriptor],
      weight: e.weight,
      metrics: e.metrics,
    };
    const tensors = [{ ...ref, data: data.subarray(k * REF_BYTES, (k + 1) * REF_BYTES) }];
    return { peer: m.peer, header, tensors, bytes: k === 0 ? m.bytes - share * (n - 1) : share };
  });
}
