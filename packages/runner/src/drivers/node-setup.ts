import type { LocalPlan } from '@starling/core';
import type { NodeSetup } from '@starling/worker';
import type { ExperimentConfig } from '../config/schema.js';

/**
 * The setup every node (client or peer) of a run is built from, before privacy and compression are
 * planned: seed, data, model, loss, optimizer, the per-round local plan and the hosts' kernel backend.
 * Plain JSON: it travels in `welcome.config` and hosts validate it with the same section schemas.
 */
export function nodeSetupFor(
  cfg: ExperimentConfig,
  local: LocalPlan,
  kernelsMode: NodeSetup['kernels'],
  baseDir: string,
): NodeSetup {
  return {
    seed: cfg.seed,
    data: cfg.data,
    dataBaseDir: baseDir,
    model: cfg.model,
    loss: cfg.loss.kind,
    optimizer: cfg.optimizer,
    local,
    kernels: kernelsMode,
  };
}
