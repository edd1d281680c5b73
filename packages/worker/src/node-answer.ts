import { type LaneUpdate, type OutgoingHeader, SHARED_CODEC, type TensorInput } from '@starling/transport';
import type { TrainResult } from './train-task.js';

/** Where a node's raw Δ goes: copied into the frame, or by reference into shared memory (`threads`). */
export type DeltaRoute = { readonly kind: 'copy' } | { readonly kind: 'shared'; readonly reference: Uint8Array };

/**
 * The message that answers one node's training of `round` (docs/protocol.md): `error` code `non-finite`
 * for training that went NaN/±Inf (the server fails the node instead of waiting for it), else an `update`
 * whose `delta` is the compressed payload, a shared-memory reference, or the raw f32 Δ.
 */
export function nodeAnswer(
  r: TrainResult,
  round: number,
  route: DeltaRoute,
): { header: OutgoingHeader; tensors: TensorInput[] } {
  if (r.nonFinite !== undefined) {
    const message = r.nonFinite.slice(0, 1000);
    return { header: { type: 'error', round, node: r.node, code: 'non-finite', message, ref: -1 }, tensors: [] };
  }
  const metrics: Record<string, number> = { train_loss: r.trainLoss, steps: r.steps };
  if (r.payload) metrics.theoretical_bits = r.payload.theoreticalBits;
  const tensor: TensorInput = r.payload
    ? { name: 'delta', data: r.payload.bytes, codec: r.payload.codec, owned: true }
    : route.kind === 'shared'
      ? { name: 'delta', data: route.reference, codec: SHARED_CODEC, owned: true }
      : { name: 'delta', data: r.delta };
  return { header: { type: 'update', round, node: r.node, weight: r.samples, metrics }, tensors: [tensor] };
}

/**
 * One `updates` message for `round` answering every node of `batch` (by-reference updates into the
 * round's cross-process slot, docs/protocol.md): entry k is node k's `update` header fields, and its Δ is
 * bytes 12k … 12k + 11 of the one `delta` tensor (codec `shm`).
 */
export function updatesMessage(
  round: number,
  batch: readonly LaneUpdate[],
): { header: OutgoingHeader; tensors: TensorInput[] } {
  const refs = new Uint8Array(batch.reduce((n, u) => n + u.ref.byteLength, 0));
  let at = 0;
  for (const u of batch) {
    refs.set(u.ref, at);
    at += u.ref.byteLength;
  }
  const entries = batch.map(({ header: h }) => ({ node: h.node, weight: h.weight, metrics: h.metrics }));
  const tensor: TensorInput = { name: 'delta', data: refs, codec: SHARED_CODEC, owned: true };
  return { header: { type: 'updates', round, node: -1, entries }, tensors: [tensor] };
}
