import type { OptimizerState } from '@starling/core';
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

/**
 * The piscina entry: rebuilds the node (data and model are cached per thread), restores its optimizer
 * state, trains one round and returns Δ = x_local − x_global. Pure function of the task, so a node's
 * result does not depend on which thread ran it.
 */
export default function trainTask(task: TrainTask): TrainResult {
  const { kernels } = loadKernels(task.setup.kernels);
  const { trainer, optimizer } = buildNode(task.setup, task.node, task.indices, kernels);
  if (task.state) optimizer.load(task.state);
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
