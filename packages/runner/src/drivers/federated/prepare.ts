import {
  errors,
  type Kernels,
  type LoadedData,
  type LocalPlan,
  type Model,
  partition,
  Rng,
  RunPrivacy,
  summarizePartition,
} from '@starling/core';
import {
  type Aggregator,
  makeAggregator,
  type Participation,
  RoundMachine,
  type RoundPlan,
  type ScaffoldControl,
  ServerOptimizer,
  type ServerOptimizerInput,
  UpdateDecoder,
  withClientDp,
} from '@starling/server';
import { forWire, type HostSetup, type NodeSetup, workspaceFor } from '@starling/worker';
import type { ExperimentConfig } from '../../config/schema.js';
import { adversaryRecord, resolveAdversary } from '../adversary.js';
import type { PreparedRun } from '../driver.js';
import { nodeSetupFor } from '../node-setup.js';
import { prepareCompression, type RunCompression } from './compression.js';
import { heterogeneityServer } from './heterogeneity.js';
import { planPrivacyFor, privacyMeta } from './privacy.js';
import { emulationFor, prepareSystems, type RunSystems } from './systems.js';
import { uplinkTiers, withTiers } from './uplink-tiers.js';

/** Everything a parameter-server run needs before its first round, the same for every runtime. */
export interface PreparedFederated extends PreparedRun {
  readonly setup: NodeSetup;
  readonly data: LoadedData;
  readonly model: Model;
  /** Example indices per node id (node ids are 0..K−1). */
  readonly parts: Int32Array[];
  readonly machine: RoundMachine;
  /** The server optimizer the machine applies (its moments are checkpointed). */
  readonly serverOptimizer: ServerOptimizer;
  /** The aggregator the machine calls (its state, e.g. centered clipping's momentum, is checkpointed). */
  readonly aggregator: Aggregator;
  readonly plan: RoundPlan;
  /** SCAFFOLD's server control variate c (updated by the aggregator, sent to participants), else null. */
  readonly control: ScaffoldControl | null;
  /** The run's privacy ledger and budget guard (null without `privacy`); see privacy.ts. */
  readonly privacy: RunPrivacy | null;
  /** `compression.up`/`down` resolved for the model (the update decoder and the downlink's x̂). */
  readonly compression: RunCompression;
  /** The systems model and virtual clock (`systems:`; see systems.ts), or null. */
  readonly systems: RunSystems | null;
  /** The welcome config of a host carrying `nodes`. */
  hostSetup(nodes: readonly number[]): HostSetup;
}

/** The algorithms a parameter server runs (`dpsgd` and `consensus` run in run-gossip.ts). */
type ServerAlgorithm = Exclude<ExperimentConfig['algorithm'], { kind: 'dpsgd' | 'consensus' | 'fedasync' | 'fedbuff' }>;

function serverAlgorithm(a: ExperimentConfig['algorithm']): ServerAlgorithm {
  if (a.kind === 'dpsgd' || a.kind === 'consensus' || a.kind === 'fedasync' || a.kind === 'fedbuff')
    throw errors.option(
      'algorithm.kind',
      'a synchronous parameter-server algorithm (not dpsgd, consensus, fedasync or fedbuff)',
      a.kind,
    );
  return a;
}

/** The per-round work of a node: `centralized` one epoch of batch B, `fedsgd` one step, `fedavg` E epochs of B. */
function localPlan(a: ServerAlgorithm): LocalPlan {
  if (a.kind === 'fedavg' || a.kind === 'scaffold') return { epochs: a.localEpochs, batchSize: a.batchSize };
  if (a.kind === 'fedprox') return { epochs: a.localEpochs, batchSize: a.batchSize, proximalMu: a.mu };
  if (a.kind === 'fednova') return { epochs: a.localEpochs, batchSize: a.batchSize, normalizeBySteps: true };
  if (a.kind === 'fedsgd') return { epochs: 1, batchSize: a.batchSize, maxSteps: 1 };
  return { epochs: 1, batchSize: a.batchSize };
}

function roundPlan(a: ServerAlgorithm): RoundPlan {
  if (a.kind === 'centralized') {
    return {
      rounds: a.rounds,
      participation: { kind: 'count', value: 1 },
      minCompletion: 1,
      deadlineMs: null,
      maxClientWeight: 1,
      maxFailedRounds: a.maxFailedRounds,
    };
  }
  const participation: Participation =
    a.clientsPerRound !== undefined
      ? { kind: 'count', value: a.clientsPerRound }
      : { kind: 'fraction', value: a.fraction ?? 1 };
  return {
    rounds: a.rounds,
    participation,
    minCompletion: a.minCompletion,
    deadlineMs: a.deadlineS === null ? null : a.deadlineS * 1000,
    maxClientWeight: a.maxClientWeight,
    maxFailedRounds: a.maxFailedRounds,
    maxUpdateNorm: a.maxUpdateNorm ?? null,
  };
}

/** The node setup of a parameter-server run before privacy and compression are planned. */
export function baseNodeSetup(cfg: ExperimentConfig, kernelsMode: NodeSetup['kernels'], baseDir: string): NodeSetup {
  return nodeSetupFor(cfg, localPlan(serverAlgorithm(cfg.algorithm)), kernelsMode, baseDir);
}

/**
 * Loads data, builds the model and its initial parameters (`fork('model')`), partitions the training
 * set (`fork('partition')`) and sets up the round logic (`fork('server')`), all from the root seed.
 * `centralized` is one node holding every training example.
 */
export function prepareRun(
  cfg: ExperimentConfig,
  kernels: Kernels,
  kernelsMode: NodeSetup['kernels'],
  baseDir: string,
): PreparedFederated {
  const rng = Rng.fromSeed(cfg.seed);
  const baseSetup = baseNodeSetup(cfg, kernelsMode, baseDir);
  const { data, model } = workspaceFor(baseSetup);
  const a = serverAlgorithm(cfg.algorithm);
  const train = data.train;
  const parts =
    a.kind === 'centralized'
      ? [Int32Array.from({ length: train.n }, (_, i) => i)]
      : partition(a.partition, train.y, a.clients, rng, 'algorithm.partition');
  const global = new Float32Array(model.layout.size);
  model.init(global, rng.fork('model'));
  const dp = planPrivacyFor(cfg, parts, baseSetup.local);
  const compressionBase = prepareCompression(cfg, model.layout, kernels);
  const withDp: NodeSetup = dp ? { ...baseSetup, privacy: dp.node } : baseSetup;
  const compressed: NodeSetup = compressionBase.node ? { ...withDp, compression: compressionBase.node } : withDp;
  const privacy = dp ? new RunPrivacy(dp, rng.fork('dp-central')) : null;
  // Client-level DP is accounted for Poisson client sampling, so that is how clients are drawn.
  const plan: RoundPlan = dp?.central
    ? { ...roundPlan(a), participation: { kind: 'poisson', rate: dp.central.clientRate } }
    : roundPlan(a);
  if (a.kind === 'centralized' && cfg.adversary !== null) {
    throw errors.option('adversary', 'null for a centralized run (one node trains on everything)', cfg.adversary);
  }
  const adversary =
    a.kind === 'centralized'
      ? undefined
      : resolveAdversary(cfg, {
          path: 'federated',
          nodes: parts.length,
          classes: train.classes,
          reference: { partition: a.partition, participation: plan.participation },
        });
  const setupBeforeTiers: NodeSetup = adversary ? { ...compressed, adversary } : compressed;
  const serverOpt: ServerOptimizerInput = a.kind === 'centralized' ? { kind: 'plain' } : a.serverOptimizer;
  const ids = parts.map((_, i) => i);
  const serverOptimizer = new ServerOptimizer(serverOpt);
  const aggregate = makeAggregator(a.kind === 'centralized' ? { kind: 'mean' } : a.aggregator);
  const hetero = heterogeneityServer(cfg, aggregate, model.layout.size, parts);
  const aggregator = privacy && dp?.central ? withClientDp(hetero.aggregator, privacy) : hetero.aggregator;
  const systemsModel = {
    layout: model.layout,
    kernels,
    downlink: compressionBase.downlink,
    extraDownBytes: hetero.control ? hetero.control.c.byteLength : 0,
  };
  const systems = prepareSystems(
    cfg,
    parts,
    setupBeforeTiers.local,
    plan.participation,
    systemsModel,
    baseDir,
    rng.fork('systems'),
  );
  const tiers = uplinkTiers(cfg, systems?.profiles ?? null, model.layout, kernels);
  const setup = tiers
    ? { ...setupBeforeTiers, compression: withTiers(setupBeforeTiers.compression, tiers) }
    : setupBeforeTiers;
  const compression = tiers
    ? {
        ...compressionBase,
        decoder: new UpdateDecoder(compressionBase.decoder.kind, model.layout, kernels, tiers.kinds),
      }
    : compressionBase;
  const machine = new RoundMachine(global, ids, plan, serverOptimizer, kernels, rng.fork('server'), {
    ...(systems ? { gate: systems.rounds } : {}),
    beforeRound: privacy ? (round) => privacy.beforeRound(round) : undefined,
    aggregator,
    // Every node reports its partition size as its sample count: lets the mean stream (same bits), and
    // an update that declares another weight is refused (bad-weight).
    expectedSamples: (node) => parts[node]?.length ?? -1,
    assignedSamples: (node) => parts[node]?.length ?? -1,
  });
  return {
    rounds: plan.rounds,
    meta:
      privacy || adversary
        ? {
            ...(privacy ? { privacy: privacyMeta(privacy) } : {}),
            ...(adversary ? { adversary: adversaryRecord(adversary) } : {}),
          }
        : null,
    setup,
    data,
    model,
    parts,
    machine,
    serverOptimizer,
    aggregator,
    control: hetero.control,
    plan,
    partitionSummary: summarizePartition(parts, train.y, train.classes),
    privacy,
    compression,
    systems,
    hostSetup: (nodes) => ({
      setup: forWire(setup),
      partition: Object.fromEntries(nodes.map((n) => [String(n), Array.from(parts[n])])),
      ...(systems?.plans ? { local: Object.fromEntries(nodes.map((n) => [String(n), systems.plans![n]])) } : {}),
      ...(cfg.systems?.emulate ? { emulate: emulationFor(systems, true, nodes) } : {}),
      layout: model.layout,
    }),
  };
}
