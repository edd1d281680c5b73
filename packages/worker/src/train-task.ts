import type { CompressorState, Kernels, OptimizerState } from '@starling/core';
import { loadKernels } from './kernel-choice.js';
import { buildNode, type NodeSetup, workspaceFor } from './node-setup.js';
import { type NodeUplink, nodeUplink } from './node-uplink.js';

/** One node's local training for one round, as sent to a pool thread. */
export interface TrainTask {
  readonly setup: NodeSetup;
  readonly node: number;
  readonly indices: Int32Array;
  readonly round: number;
  /** The global model (a view of a SharedArrayBuffer, read only). */
  readonly global: Float32Array;
  /** The node's optimizer state from its previous round, or null on its first. */
  readonly state: OptimizerState | null;
  /**
   * The node's uplink compressor state (error-feedback memory, PowerSGD warm start) from its previous
   * round, or null/absent on its first; only used with `setup.compression.up`.
   */
  readonly upState?: CompressorState | null;
}

/** A compressed update: the encoder's bytes, its kind (the frame's `codec`) and its theoretical size. */
export interface UpdatePayload {
  readonly bytes: Uint8Array;
  readonly codec: string;
  readonly theoreticalBits: number;
}

/** What the thread sends back; `delta` and the state vectors are transferred, not copied. */
export interface TrainResult {
  readonly node: number;
  readonly delta: Float32Array;
  readonly trainLoss: number;
  readonly samples: number;
  readonly steps: number;
  readonly state: OptimizerState;
  /** With `setup.compression.up`: the compressed update that goes on the wire instead of `delta`. */
  readonly payload?: UpdatePayload;
  /** With `setup.compression.up`: the compressor state to carry to the node's next round. */
  readonly upState?: CompressorState;
}

type CachedNode = ReturnType<typeof buildNode> & {
  initial: OptimizerState;
  indices: Int32Array;
  uplink: NodeUplink | null;
};
const nodes = new Map<string, CachedNode>();

/**
 * The node's trainer and optimizer, built once per thread and reused (rebuilt if its examples differ):
 * its buffers are not reallocated every round. State never leaks between rounds or runs: every task
 * loads the state it carries (or the optimizer's initial state on the node's first round).
 */
function cachedNode(task: TrainTask, kernels: Kernels): CachedNode {
  const key = `${task.node}:${JSON.stringify(task.setup)}`;
  let node = nodes.get(key);
  const same = (a: Int32Array, b: Int32Array) => a.length === b.length && a.every((v, i) => v === b[i]);
  if (!node || !same(node.indices, task.indices)) {
    const built = buildNode(task.setup, task.node, task.indices, kernels);
    const uplink = nodeUplink(task.setup, task.node, workspaceFor(task.setup).model.layout, kernels);
    node = { ...built, initial: built.optimizer.state(), indices: Int32Array.from(task.indices), uplink };
    nodes.set(key, node);
  }
  return node;
}

/**
 * The piscina entry: finds the node (built once per thread, see {@link cachedNode}), restores its optimizer
 * state, trains one round and returns Δ = x_local − x_global (after the node's privacy step, if any).
 * With `setup.compression.up` it then compresses Δ with the node's compressor, restored from `upState`,
 * and returns the payload and the new compressor state. Pure function of the task, so a node's result
 * does not depend on which thread ran it.
 */
export default function trainTask(task: TrainTask): TrainResult {
  const { kernels } = loadKernels(task.setup.kernels);
  const { trainer, optimizer, initial, uplink } = cachedNode(task, kernels);
  optimizer.load(task.state ?? initial);
  const delta = new Float32Array(task.global.length);
  const r = trainer.train(task.global, task.round, task.setup.local, delta);
  const result = {
    node: task.node,
    delta,
    trainLoss: r.trainLoss,
    samples: r.samples,
    steps: r.steps,
    state: optimizer.state(),
  };
  if (uplink === null) return result;
  uplink.compressor.load(task.upState ?? {});
  const encoded = uplink.encode(delta, task.round);
  const payload = { bytes: encoded.bytes, codec: uplink.compressor.kind, theoreticalBits: encoded.theoreticalBits };
  return { ...result, payload, upState: uplink.compressor.state() };
}
