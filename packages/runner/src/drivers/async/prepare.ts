import { errors, type Kernels, Rng } from '@starling/core';
import { type AsyncRule, fedAsyncRule, fedBuffRule } from '@starling/server';
import type { ExperimentConfig } from '../../config/schema.js';
import type { FedAsyncConfig, FedBuffConfig } from '../../config/schema-async.js';
import type { PreparedRun } from '../driver.js';
import { checkCompressionSupported } from '../federated/compression.js';
import { type PreparedFederated, prepareRun } from '../federated/prepare.js';
import type { RunSystems } from '../federated/systems.js';

/** An asynchronous algorithm's config (`fedasync`, `fedbuff`). */
export type AsyncAlgorithm = FedAsyncConfig | FedBuffConfig;

/** Everything an asynchronous run needs before its first event. */
export interface PreparedAsync extends PreparedRun {
  readonly algorithm: AsyncAlgorithm;
  /** The data, model, partition, node setup, compression and systems profiles, prepared as for FedAvg. */
  readonly fed: PreparedFederated;
  /** The client profiles (`systems:`): required inline (time comes from them), optional over sockets. */
  readonly systems: RunSystems | null;
  readonly rule: AsyncRule;
  /** Draws the client that takes a freed slot (`fork('async')` of the run's seed; nothing else uses it). */
  readonly draws: Rng;
}

/** The run's algorithm when it is asynchronous, else an error naming `algorithm.kind`. */
export function asyncAlgorithm(cfg: ExperimentConfig): AsyncAlgorithm {
  const a = cfg.algorithm;
  if (a.kind !== 'fedasync' && a.kind !== 'fedbuff')
    throw errors.option('algorithm.kind', 'fedasync or fedbuff for an asynchronous run', a.kind);
  return a;
}

/**
 * The synchronous FedAvg config with the same data, model, partition, local plan, server optimizer and
 * systems: what an asynchronous run is prepared from (so both draw their partition, initial model and
 * profiles from the same seeded streams, and FedBuff's step is FedAvg's with the same options).
 */
export function syncTwin(cfg: ExperimentConfig): ExperimentConfig {
  const a = asyncAlgorithm(cfg);
  const buff = a.kind === 'fedbuff';
  return {
    ...cfg,
    algorithm: {
      kind: 'fedavg',
      rounds: a.rounds,
      clients: a.clients,
      clientsPerRound: Math.min(a.concurrency, a.clients),
      partition: a.partition,
      minCompletion: 0.5,
      deadlineS: null,
      maxClientWeight: buff ? a.maxClientWeight : 1,
      maxFailedRounds: null,
      serverOptimizer: buff ? a.serverOptimizer : { kind: 'plain', lr: 1 },
      aggregator: { kind: 'mean' },
      localEpochs: a.localEpochs,
      batchSize: a.batchSize,
    },
  };
}

/**
 * Refuses what asynchronous runs do not support yet (exit code 2, naming the option). Inline runs need
 * `systems:` (their clock); over sockets time is real, and `systems.emulate` is not built for them.
 */
export function checkAsyncSupported(cfg: ExperimentConfig): void {
  const a = asyncAlgorithm(cfg);
  const inline = cfg.runtime.kind === 'inline';
  if (cfg.systems === undefined && inline)
    throw errors.option(
      'systems',
      `a systems: section for algorithm.kind ${a.kind} inline (time comes from the client profiles)`,
      null,
    );
  if (!inline && cfg.systems?.emulate)
    throw errors.option(
      'systems.emulate',
      `false for algorithm.kind ${a.kind} over sockets (runtime.kind ${cfg.runtime.kind}): emulated delays are not built for asynchronous runs`,
      cfg.systems.emulate,
    );
  if (a.concurrency > a.clients)
    throw errors.option('algorithm.concurrency', `at most algorithm.clients (${a.clients})`, a.concurrency);
  if (cfg.systems !== undefined && cfg.systems.deadlineS !== null)
    throw errors.option(
      'systems.deadlineS',
      `null for algorithm.kind ${a.kind} (no round to close)`,
      cfg.systems.deadlineS,
    );
  if (cfg.privacy !== null) throw errors.option('privacy', `null for algorithm.kind ${a.kind}`, cfg.privacy);
  const loss = cfg.systems?.network?.lossRate;
  if (loss !== undefined && !(loss.kind === 'constant' && loss.value === 0))
    throw errors.option(
      'systems.network.lossRate',
      `0 for algorithm.kind ${a.kind} (packet loss is emulated for synchronous rounds only)`,
      loss,
    );
  if (cfg.adversary !== null) throw errors.option('adversary', `null for algorithm.kind ${a.kind}`, cfg.adversary);
  if (cfg.compression.upTiers !== undefined)
    throw errors.option('compression.upTiers', `absent for algorithm.kind ${a.kind}`, cfg.compression.upTiers);
  if (cfg.compression.down !== undefined)
    throw errors.option('compression.down', `absent for algorithm.kind ${a.kind}`, cfg.compression.down);
  if (a.kind === 'fedbuff' && a.bufferSize > a.clients)
    throw errors.option('algorithm.bufferSize', `at most algorithm.clients (${a.clients})`, a.bufferSize);
}

/** Prepares an asynchronous run: the FedAvg twin's data, model and profiles, and the server rule. */
export function prepareAsync(
  cfg: ExperimentConfig,
  kernels: Kernels,
  kernelsMode: 'native' | 'js',
  baseDir: string,
): PreparedAsync {
  checkAsyncSupported(cfg);
  const a = asyncAlgorithm(cfg);
  const twin = syncTwin(cfg);
  checkCompressionSupported(twin);
  const fed = prepareRun(twin, kernels, kernelsMode, baseDir);
  if (fed.systems === null && cfg.runtime.kind === 'inline') throw errors.runtime('async run prepared without systems');
  const rule =
    a.kind === 'fedasync'
      ? fedAsyncRule(a.alpha, a.staleness)
      : fedBuffRule({
          bufferSize: a.bufferSize,
          staleness: a.staleness,
          optimizer: fed.serverOptimizer,
          maxClientWeight: a.maxClientWeight,
          kernels,
        });
  return {
    rounds: a.rounds,
    partitionSummary: fed.partitionSummary,
    meta: null,
    algorithm: a,
    fed,
    systems: fed.systems,
    rule,
    draws: Rng.fromSeed(cfg.seed).fork('async'),
  };
}
