import { errors, OPTIMIZER_STATE_SLOTS, type OptimizerKind, type OptimizerState, parseSpec } from '@starling/core';
import { z } from 'zod';
import type { ChocoCopiesState } from './choco-copies.js';

/**
 * One gossip peer's whole state between two rounds, what the next round reads: its model x_i, its
 * local optimizer state (step count and moments; null before its first training and for consensus)
 * and, with CHOCO-SGD, its public copies (`ChocoCopies.snapshot`). Every random stream a peer draws
 * from is forked per (node, round) and never advanced across rounds (data order
 * `fork('node', i).fork('order', t)`, compression `fork('compress-gossip', i).fork('compress:<kind>', t)`),
 * and W_t is a function of t alone, so the round number places them all.
 */
export type PeerCheckpoint = {
  readonly node: number;
  /** x_i after the round: float32, the model's length. */
  readonly x: Float32Array;
  readonly optimizer: {
    readonly kind: OptimizerKind;
    readonly step: number;
    readonly slots: readonly Float32Array[];
  } | null;
  readonly choco: ChocoCopiesState | null;
};

const f32 = z.instanceof(Float32Array);
const count = z.number().int().nonnegative();
const optimizerKind = z.custom<OptimizerKind>(
  (v) => typeof v === 'string' && Object.hasOwn(OPTIMIZER_STATE_SLOTS, v),
  'must be an optimizer kind',
);

const peerCheckpointSchema = z.strictObject({
  node: count,
  x: f32,
  optimizer: z.strictObject({ kind: optimizerKind, step: count, slots: z.array(f32) }).nullable(),
  choco: z
    .strictObject({
      copies: z.array(z.strictObject({ node: count, applied: count, hat: f32 })),
      pending: z.array(z.strictObject({ node: count, round: count, q: f32 })),
      broken: z.array(count),
      compressor: z.record(z.string(), f32),
    })
    .nullable(),
});

/**
 * Checks that `value` is a {@link PeerCheckpoint} of node `node` with a model of `size` floats; throws
 * a `data` error naming `where` (the checkpoint file, or the message it came in) otherwise. Vector
 * lengths inside the optimizer state and the CHOCO copies are checked where they are loaded.
 */
export function checkPeerCheckpoint(value: unknown, where: string, node: number, size: number): PeerCheckpoint {
  let s: PeerCheckpoint;
  try {
    s = parseSpec(peerCheckpointSchema, value, `peer ${node}`);
  } catch (err) {
    throw errors.data(where, err instanceof Error ? err.message : String(err));
  }
  if (s.node !== node) throw errors.data(where, `holds the state of peer ${s.node}, expected peer ${node}`);
  if (s.x.length !== size) throw errors.data(where, `peer ${node}'s model has ${s.x.length} entries, expected ${size}`);
  return s;
}

/** An optimizer state as a checkpoint keeps it (every slot a Float32Array). */
export function optimizerCheckpoint(state: OptimizerState | null): PeerCheckpoint['optimizer'] {
  if (state === null) return null;
  return {
    kind: state.kind,
    step: state.step,
    slots: state.slots.map((v) => (v instanceof Float32Array ? v : Float32Array.from(v))),
  };
}
