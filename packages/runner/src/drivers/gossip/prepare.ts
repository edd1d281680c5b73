import {
  type CompressorSpec,
  errors,
  type LoadedData,
  type LocalPlan,
  type Model,
  makeCompressor,
  partition,
  Rng,
  summarizePartition,
  withModelInput,
} from '@starling/core';
import {
  type ChocoSetup,
  checkChoco,
  type GossipSetup,
  gossipTopology,
  type NodeSetup,
  workspaceFor,
} from '@starling/worker';
import type { ExperimentConfig } from '../../config/schema.js';
import { adversaryRecord, resolveAdversary } from '../adversary.js';
import type { PreparedRun } from '../driver.js';
import { nodeSetupFor } from '../node-setup.js';
import { type GossipPrivacy, gossipPrivacyMeta, planGossipPrivacy } from './privacy.js';

export type GossipConfig = Extract<ExperimentConfig['algorithm'], { kind: 'dpsgd' | 'consensus' }>;

/** Everything a gossip run needs before its first round, the same for every runtime. */
export interface PreparedGossip extends PreparedRun {
  readonly algorithm: GossipConfig;
  readonly setup: GossipSetup;
  readonly data: LoadedData;
  readonly model: Model;
  /** Example indices per peer (empty for consensus, which uses no data). */
  readonly parts: Int32Array[];
  /** DP on the gossip path: the plan and one accountant per peer (privacy.ts); null without `privacy`. */
  readonly privacy: GossipPrivacy | null;
}

/** The gossip algorithm of a config, or null for parameter-server kinds. */
export function gossipAlgorithm(cfg: ExperimentConfig): GossipConfig | null {
  const a = cfg.algorithm;
  return a.kind === 'dpsgd' || a.kind === 'consensus' ? a : null;
}

/**
 * The run's CHOCO setup from `compression`, or undefined without `compression.gossip`. `gamma` is
 * required with it, error feedback is refused (`checkChoco`), and `up`, `down` and `upTiers`
 * (parameter-server links) are refused on a gossip run.
 */
export function gossipCompression(cfg: ExperimentConfig): ChocoSetup | undefined {
  const c = cfg.compression;
  for (const key of ['up', 'down', 'upTiers'] as const) {
    if (c[key] !== undefined) {
      throw errors.option(
        `compression.${key}`,
        'absent on a dpsgd or consensus run (peers use compression.gossip)',
        c[key],
      );
    }
  }
  if (c.gossip === undefined) return undefined;
  if (c.gamma === undefined) {
    throw errors.option(
      'compression.gamma',
      'set with compression.gossip (the CHOCO consensus step size, in (0, 1])',
      undefined,
    );
  }
  const choco: ChocoSetup = { compressor: c.gossip as CompressorSpec, gamma: c.gamma };
  checkChoco(choco);
  return choco;
}

/** The node setup every peer of a gossip run trains with. */
export function gossipNodeSetup(
  cfg: ExperimentConfig,
  a: GossipConfig,
  kernelsMode: NodeSetup['kernels'],
  baseDir: string,
): NodeSetup {
  const local: LocalPlan =
    a.kind === 'dpsgd'
      ? { epochs: a.localSteps, batchSize: a.batchSize, maxSteps: a.localSteps }
      : { epochs: 1, batchSize: 1, maxSteps: 0 };
  return nodeSetupFor(cfg, local, kernelsMode, baseDir);
}

/**
 * Builds the run's `GossipSetup` from the config: the local plan (`localSteps` steps of `batchSize`),
 * the topology with `nodes` = `peers` and, for random kinds, `seed` defaulting to the run's seed; loads
 * the data and model (for dimensions and evaluation) and partitions the training set over the peers
 * with `Rng.fromSeed(seed)` as `prepareRun` does. The topology (and the CHOCO compressor, against the
 * model's size) is built once here so that bad options fail before any process starts. With `privacy`,
 * the peers' DP and ledgers are planned (privacy.ts) and `rounds` is what the budget allows.
 */
export function prepareGossip(
  cfg: ExperimentConfig,
  a: GossipConfig,
  kernelsMode: NodeSetup['kernels'],
  baseDir: string,
): PreparedGossip {
  const honest = gossipNodeSetup(cfg, a, kernelsMode, baseDir);
  const choco = gossipCompression(cfg);
  if (choco && a.aggregator.kind !== 'mean') {
    throw errors.option(
      'algorithm.aggregator.kind',
      'mean with compression.gossip (CHOCO-SGD mixes public copies x̂_j, which clipped gossip does not cover)',
      a.aggregator.kind,
    );
  }
  const { data, model } = workspaceFor(honest);
  const adversary = resolveAdversary(cfg, {
    path: 'gossip',
    nodes: a.peers,
    classes: data.train.classes,
    choco: choco !== undefined,
    consensus: a.kind === 'consensus',
  });
  // Peers build x⁰ without the data: a sequential model carries the data's image shape as model.input.
  const shaped = withModelInput(honest.model, data.train.shape ?? [data.train.d]);
  const base: NodeSetup = shaped === honest.model ? honest : { ...honest, model: shaped };
  const node: NodeSetup = adversary ? { ...base, adversary } : base;
  const setup: GossipSetup = {
    node,
    algorithm:
      a.kind === 'dpsgd'
        ? { kind: 'dpsgd', order: a.order, localSteps: a.localSteps, batchSize: a.batchSize }
        : { kind: 'consensus' },
    peers: a.peers,
    rounds: a.rounds,
    topology: { ...a.topology, seed: a.topology.seed ?? cfg.seed, nodes: a.peers },
    inputs: data.train.d,
    classes: data.train.classes,
    evalEvery: cfg.eval.every,
    roundDeadlineMs: Math.round(a.roundDeadlineS * 1000),
    ...(choco ? { choco } : {}),
    ...(a.aggregator.kind !== 'mean' ? { aggregator: a.aggregator } : {}),
  };
  gossipTopology(setup);
  if (choco) makeCompressor(choco.compressor, model.layout, { path: 'compression.gossip' });
  const parts =
    a.kind === 'dpsgd'
      ? partition(a.partition, data.train.y, a.peers, Rng.fromSeed(cfg.seed), 'algorithm.partition')
      : Array.from({ length: a.peers }, () => new Int32Array(0));
  const partitionSummary =
    a.kind === 'dpsgd' ? summarizePartition(parts, data.train.y, data.train.classes) : { peers: a.peers, data: 'none' };
  const privacy = planGossipPrivacy(cfg, a, parts, node.local);
  const run = privacy ? { ...setup, node: { ...node, privacy: privacy.node }, rounds: privacy.rounds } : setup;
  const records = {
    ...(adversary ? { adversary: adversaryRecord(adversary) } : {}),
    ...(privacy ? { privacy: gossipPrivacyMeta(privacy) } : {}),
  };
  const meta = adversary || privacy ? records : null;
  return { rounds: run.rounds, meta, algorithm: a, setup: run, data, model, parts, partitionSummary, privacy };
}
