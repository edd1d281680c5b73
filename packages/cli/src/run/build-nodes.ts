import {
  type DenseNet,
  type Kernels,
  type LocalPlan,
  NodeTrainer,
  Optimizer,
  type OptimizerSpec,
  partition,
  type Rng,
  summarizePartition,
  type TrainingData,
} from '@starling/core';
import type { Participation, RoundPlan } from '@starling/server';
import type { ExperimentConfig } from '../config/schema.js';

/** The virtual nodes of a run, what each does per round, and the server's round plan. */
export interface Federation {
  readonly nodes: Map<number, NodeTrainer>;
  readonly local: LocalPlan;
  readonly plan: RoundPlan;
  /** Per-client example counts by label, written as partition.json. */
  readonly partitionSummary: unknown;
}

/**
 * Turns the algorithm section into nodes and plans. `centralized` is one node holding every training
 * example, trained one epoch per round; `fedsgd` is one step per round on the node's whole data (or a
 * batch of B); `fedavg` is E epochs of batch B (McMahan et al. 2017).
 */
export function buildFederation(
  cfg: ExperimentConfig,
  model: DenseNet,
  kernels: Kernels,
  train: TrainingData,
  rng: Rng,
): Federation {
  const a = cfg.algorithm;
  const parts =
    a.kind === 'centralized'
      ? [Int32Array.from({ length: train.n }, (_, i) => i)]
      : partition(a.partition, train.y, a.clients, rng, 'algorithm.partition');
  const nodes = new Map<number, NodeTrainer>();
  parts.forEach((indices, id) => {
    const optimizer = new Optimizer(cfg.optimizer as OptimizerSpec, model.layout.size, kernels);
    nodes.set(id, new NodeTrainer(id, model, cfg.loss.kind, kernels, train, indices, optimizer, rng.fork('node', id)));
  });
  const participation: Participation =
    a.kind === 'centralized'
      ? { kind: 'count', value: 1 }
      : a.clientsPerRound !== undefined
        ? { kind: 'count', value: a.clientsPerRound }
        : { kind: 'fraction', value: a.fraction ?? 1 };
  const plan: RoundPlan =
    a.kind === 'centralized'
      ? { rounds: a.rounds, participation, minCompletion: 1, deadlineMs: null, maxClientWeight: 1 }
      : {
          rounds: a.rounds,
          participation,
          minCompletion: a.minCompletion,
          deadlineMs: a.deadlineS === null ? null : a.deadlineS * 1000,
          maxClientWeight: a.maxClientWeight,
        };
  const local: LocalPlan =
    a.kind === 'fedavg'
      ? { epochs: a.localEpochs, batchSize: a.batchSize }
      : a.kind === 'fedsgd'
        ? { epochs: 1, batchSize: a.batchSize, maxSteps: 1 }
        : { epochs: 1, batchSize: a.batchSize };
  const partitionSummary = summarizePartition(parts, train.y, train.classes);
  return { nodes, local, plan, partitionSummary };
}
