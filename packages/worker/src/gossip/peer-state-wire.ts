import { errors } from '@starling/core';
import { type DecodedTensor, type JsonValue, MAX_TENSORS, type TensorInput } from '@starling/transport';
import { checkPeerCheckpoint, type PeerCheckpoint } from './peer-checkpoint.js';

/**
 * A {@link PeerCheckpoint} as the `state` field and frames of a `peer-state` message (docs/protocol.md):
 * the JSON tree of the checkpoint with each Float32Array replaced by `{"$tensor": "<name>"}`, the
 * arrays themselves as raw `f32` frames in tree order, named `x`, `t1`, `t2`, ... (the model first).
 * Frames are handed over without a copy (`owned`): a peer never writes x, a stored optimizer state or
 * a snapshot's copies after capturing them.
 */
export function peerStateFrames(s: PeerCheckpoint): { state: JsonValue; tensors: TensorInput[] } {
  const tensors: TensorInput[] = [];
  const walk = (v: unknown): JsonValue => {
    if (v instanceof Float32Array) {
      const name = tensors.length === 0 ? 'x' : `t${tensors.length}`;
      tensors.push({ name, data: v, owned: true });
      return { $tensor: name };
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
    throw errors.runtime(`peer ${s.node}'s state holds a ${typeof v}, which a peer-state message cannot carry`);
  };
  const state = walk({ node: s.node, x: s.x, optimizer: s.optimizer, choco: s.choco });
  if (tensors.length > MAX_TENSORS) {
    throw errors.runtime(
      `peer ${s.node}'s state needs ${tensors.length} frames, a message carries at most ${MAX_TENSORS} (too many CHOCO neighbours)`,
    );
  }
  return { state, tensors };
}

/**
 * The {@link PeerCheckpoint} of node `node` in a `peer-state` message: `{"$tensor"}` references put back
 * (each frame used once, every frame `f32`), then checked (`checkPeerCheckpoint`, models of `size`).
 * Throws a `data` error naming `where` for a message that does not hold one.
 */
export function peerStateFromFrames(
  state: JsonValue,
  tensors: readonly DecodedTensor[],
  where: string,
  node: number,
  size: number,
): PeerCheckpoint {
  const frames = new Map(tensors.map((t) => [t.name, t.data]));
  const walk = (v: JsonValue): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const ref = v.$tensor;
    if (typeof ref === 'string' && Object.keys(v).length === 1) {
      const data = frames.get(ref);
      if (!(data instanceof Float32Array)) throw errors.data(where, `frame ${ref} is missing, repeated or not f32`);
      frames.delete(ref);
      return data;
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
  };
  const tree = walk(state);
  if (frames.size > 0) throw errors.data(where, `frames ${[...frames.keys()].join(', ')} are not referenced`);
  return checkPeerCheckpoint(tree, where, node, size);
}
