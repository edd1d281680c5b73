import { errors } from '@starling/core';
import type { ExperimentConfig } from '../config/schema.js';
import type { RunFootprint } from '../preflight/footprint.js';
import { asyncDriver } from './async/driver.js';
import type { PreparedRun, RunContext, RunDriver, RunOutcome } from './driver.js';
import { federatedDriver } from './federated/driver.js';
import { gossipDriver } from './gossip/driver.js';

/** An algorithm kind as named in config (`algorithm.kind`). */
export type AlgorithmKind = ExperimentConfig['algorithm']['kind'];

/** What the pipeline does between a driver's steps. */
export interface RunHooks {
  footprint(f: RunFootprint): void;
  prepared(prep: PreparedRun): void;
}

/** A driver with its prepared and report types hidden: what the run pipeline calls. */
export interface AlgorithmEntry {
  /** `federated` (parameter server) or `gossip` (decentralized). */
  readonly family: 'federated' | 'gossip';
  /**
   * footprint → `hooks.footprint` (the pipeline's memory check) → prepare → `hooks.prepared` (the
   * pipeline records the plan) → execute → summarize.
   */
  run(ctx: RunContext, hooks: RunHooks): Promise<RunOutcome>;
}

function entry<P extends PreparedRun, R>(family: AlgorithmEntry['family'], driver: RunDriver<P, R>): AlgorithmEntry {
  return {
    family,
    async run(ctx, hooks) {
      hooks.footprint(driver.footprint(ctx));
      const prep = driver.prepare(ctx);
      hooks.prepared(prep);
      if (ctx.signal?.aborted) throw errors.interrupted('before round 0');
      const report = await driver.execute(prep, ctx);
      return driver.summarize(prep, report, ctx);
    },
  };
}

const federated = entry('federated', federatedDriver);
const gossip = entry('gossip', gossipDriver);
const asynchronous = entry('federated', asyncDriver);

/** The algorithm table: which driver runs each `algorithm.kind`. A new algorithm adds one line here. */
export const ALGORITHMS: Readonly<Record<AlgorithmKind, AlgorithmEntry>> = {
  centralized: federated,
  fedsgd: federated,
  fedavg: federated,
  fedprox: federated,
  fednova: federated,
  scaffold: federated,
  dpsgd: gossip,
  consensus: gossip,
  fedasync: asynchronous,
  fedbuff: asynchronous,
};
