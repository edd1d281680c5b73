import { errors, OPTIMIZER_STATE_SLOTS } from '@starling/core';
import { buildTopology, degreeStats } from '@starling/topologies';
import { workspaceFor } from '@starling/worker';
import type { RunFootprint } from '../../preflight/footprint.js';
import { dataBytes, localHosts } from '../../preflight/hosts.js';
import { modelWorkFloats } from '../../preflight/work-floats.js';
import type { FootprintContext } from '../driver.js';
import { gossipAlgorithm, gossipNodeSetup } from './prepare.js';

/**
 * The memory footprint of a gossip run, from its config and loaded data: every peer holds its model,
 * its optimizer moments, the models its neighbours sent this round (the graph's largest degree) and,
 * with CHOCO-SGD, a public copy per neighbour and of itself; the coordinator collects every peer's
 * model on evaluation rounds.
 */
export function gossipFootprint(ctx: FootprintContext): RunFootprint {
  const { cfg } = ctx;
  const a = gossipAlgorithm(cfg);
  if (!a) throw errors.option('algorithm.kind', 'dpsgd or consensus for a gossip run', cfg.algorithm.kind);
  const { data, model } = workspaceFor(gossipNodeSetup(cfg, a, ctx.hostKernels, ctx.baseDir));
  const topology = { ...a.topology, seed: a.topology.seed ?? cfg.seed, nodes: a.peers };
  const degree = degreeStats(buildTopology(topology).graph).max;
  const choco = cfg.compression.gossip ? degree + 1 : 0;
  const { train, test } = data;
  return {
    params: model.layout.size,
    dataBytes: dataBytes(train.x, train.y, test.x, test.y),
    clients: a.peers,
    clientsWithState: a.peers,
    stateVectorsPerClient: 1 + OPTIMIZER_STATE_SLOTS[cfg.optimizer.kind] + degree + choco,
    serverVectors: a.peers + 1,
    executorVectors: 4,
    executorWorkFloats: modelWorkFloats(model, a.kind === 'dpsgd' ? a.batchSize : 0),
    hosts: localHosts(cfg.runtime),
  };
}
