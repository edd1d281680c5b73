import type { ExperimentConfig } from '../config/schema.js';
import type { PreparedRun, RunContext, RunDriver, RunOutcome } from './driver.js';
import { federatedDriver } from './federated/driver.js';
import { gossipDriver } from './gossip/driver.js';

/** An algorithm kind as named in config (`algorithm.kind`). */
export type AlgorithmKind = ExperimentConfig['algorithm']['kind'];

/** A driver with its prepared and report types hidden: what the run pipeline calls. */
export interface AlgorithmEntry {
  /** `federated` (parameter server) or `gossip` (decentralized). */
  readonly family: 'federated' | 'gossip';
  /** prepare → `onPrepared` (the pipeline records the plan) → execute → summarize. */
  run(ctx: RunContext, onPrepared: (prep: PreparedRun) => void): Promise<RunOutcome>;
}

function entry<P extends PreparedRun, R>(family: AlgorithmEntry['family'], driver: RunDriver<P, R>): AlgorithmEntry {
  return {
    family,
    async run(ctx, onPrepared) {
      const prep = driver.prepare(ctx);
      onPrepared(prep);
      const report = await driver.execute(prep, ctx);
      return driver.summarize(prep, report, ctx);
    },
  };
}

const federated = entry('federated', federatedDriver);
const gossip = entry('gossip', gossipDriver);

/** The algorithm table: which driver runs each `algorithm.kind`. A new algorithm adds one line here. */
export const ALGORITHMS: Readonly<Record<AlgorithmKind, AlgorithmEntry>> = {
  centralized: federated,
  fedsgd: federated,
  fedavg: federated,
  dpsgd: gossip,
  consensus: gossip,
};
