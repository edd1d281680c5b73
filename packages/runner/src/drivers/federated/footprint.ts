import { OPTIMIZER_STATE_SLOTS } from '@starling/core';
import { aggregators } from '@starling/server';
import { workspaceFor } from '@starling/worker';
import type { RunFootprint } from '../../preflight/footprint.js';
import { dataBytes, localHosts } from '../../preflight/hosts.js';
import { modelWorkFloats } from '../../preflight/work-floats.js';
import type { FootprintContext } from '../driver.js';
import { baseNodeSetup } from './prepare.js';

/**
 * The memory footprint of a parameter-server run, from its config and loaded data: every
 * participant's update held until the round closes, the server's model, aggregate, optimizer state and
 * downlink copies, and for each client that can have trained by the end its optimizer moments and
 * uplink error-feedback memory, and a robust aggregator's work vectors. Participants per round under Poisson
 * sampling (client-level DP) get three standard deviations of margin; over-commit (`algorithm.overCommit` o)
 * counts the ⌈(1+o)K⌉ drawn, each of whom trains and sends an update.
 */
export function federatedFootprint(ctx: FootprintContext): RunFootprint {
  const { cfg } = ctx;
  const { data, model } = workspaceFor(baseNodeSetup(cfg, ctx.hostKernels, ctx.baseDir));
  const a = cfg.algorithm;
  const clients = 'clients' in a ? a.clients : 1;
  const rounds = a.rounds;
  let perRound = 1;
  let serverOptimizer = 0;
  let aggregator = 0;
  if ('clients' in a && 'aggregator' in a) {
    const mean = a.clientsPerRound ?? Math.max(1, Math.round((a.fraction ?? 1) * clients));
    const poisson = cfg.privacy?.mode === 'client' ? 3 * Math.sqrt(mean) + 1 : 0;
    // Over-commit draws ⌈(1+o)K⌉ and every drawn client trains and sends its update.
    const overCommit = 'overCommit' in a ? (a.overCommit ?? 0) : 0;
    perRound = Math.min(clients, Math.ceil((1 + overCommit) * mean + poisson - 1e-9));
    serverOptimizer = a.serverOptimizer.kind === 'plain' ? 0 : a.serverOptimizer.kind === 'fedavgm' ? 1 : 2;
    aggregator = aggregators.get(a.aggregator.kind)?.footprint?.(a.aggregator, perRound) ?? 0;
  }
  const down = cfg.compression.down;
  const downlink = down === undefined ? 0 : down.errorFeedback === true ? 3 : 2;
  // SCAFFOLD: each client that has taken part holds its control variate c_i (and the server c).
  const control = a.kind === 'scaffold' ? 1 : 0;
  // Error-feedback memory: one vector per client whose uplink (its tier's, or `up`) keeps one.
  const ef = [cfg.compression.up, ...(cfg.compression.upTiers ?? []).map((t) => t.up)].some(
    (spec) => spec?.errorFeedback === true,
  );
  const state = OPTIMIZER_STATE_SLOTS[cfg.optimizer.kind] + (ef ? 1 : 0) + control;
  const { train, test } = data;
  const batch = 'batchSize' in a ? a.batchSize : null;
  return {
    params: model.layout.size,
    dataBytes: dataBytes(train.x, train.y, test.x, test.y),
    clients,
    clientsWithState: state === 0 ? 0 : Math.min(clients, perRound * rounds),
    stateVectorsPerClient: state,
    // model, aggregate, the model and moments kept to undo a refused step (ServerOptimizer.applyFinite),
    // and a robust aggregator's buffers (its kind's `footprint`)
    serverVectors: 3 + 2 * serverOptimizer + downlink + perRound + aggregator + 2 * control,
    executorVectors: 4,
    executorWorkFloats: modelWorkFloats(model, batch ?? Math.ceil(train.n / clients)),
    hosts: localHosts(cfg.runtime),
  };
}
