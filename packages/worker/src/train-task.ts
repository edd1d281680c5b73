import type { Kernels, OptimizerState } from '@starling/core';
import { loadKernels } from './kernel-choice.js';
import { buildNode, type NodeSetup } from './node-setup.js';

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
}

/** What the thread sends back; `delta` and the state vectors are transferred, not copied. */
export interface TrainResult {
  readonly node: number;
  readonly delta: Float32Array;
  readonly trainLoss: number;
  readonly samples: number;
  readonly steps: number;
  readonly state: OptimizerState;
}

type CachedNode = ReturnType<typeof buildNode> & { initial: OptimizerState; indices: Int32Array };
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
    node = { ...built, initial: built.optimizer.state(), indices: Int32Array.from(task.indices) };
    nodes.set(key, node);
  }
  return node;
}

/**
 * The piscina entry: finds the node (built once per thread, see {@link cachedNode}), restores its optimizer
 * state, trains one round and returns Δ = x_local − x_global. Pure function of the task, so a node's
 * result does not depend on which thread ran it.
 */
export default function trainTask(task: TrainTask): TrainResult {
  const { kernels } = loadKernels(task.setup.kernels);
  const { trainer, optimizer, initial } = cachedNode(task, kernels);
  optimizer.load(task.state ?? initial);
  const delta = new Float32Array(task.global.length);
  const r = trainer.train(task.global, task.round, task.setup.local, delta);
  return {
    node: task.node,
    delta,
    trainLoss: r.trainLoss,
    samples: r.samples,
    steps: r.steps,
    state: optimizer.state(),
  };
}
