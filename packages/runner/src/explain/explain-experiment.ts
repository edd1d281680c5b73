import { resolve } from 'node:path';
import { buildTopology, reportTopology } from '@starling/topologies';
import { loadKernels } from '@starling/worker';
import pino from 'pino';
import { validateConfig } from '../config/load.js';
import type { ExperimentConfig } from '../config/schema.js';
import { ALGORITHMS } from '../drivers/algorithms.js';
import { checkAsyncSupported, syncTwin } from '../drivers/async/prepare.js';
import type { RunContext } from '../drivers/driver.js';
import { federatedDriver } from '../drivers/federated/driver.js';
import { gossipDriver } from '../drivers/gossip/driver.js';
import { availableMemory, estimateMemory } from '../preflight/memory-estimate.js';
import { checkPayloadLimit } from '../preflight/payload-limit.js';
import { mb } from '../preflight/preflight.js';
import { asyncTraffic } from './async-traffic.js';
import type { Explanation } from './explanation.js';
import { federatedTraffic } from './federated-traffic.js';
import { gossipTraffic } from './gossip-traffic.js';
import { kernelCallsPlan } from './kernel-calls.js';
import { flopsPlan } from './layer-flops.js';
import { partitionPlan } from './partition-stats.js';
import { placeNodes } from './placement.js';
import { privacyPlan } from './privacy-plan.js';
import { systemsPlan } from './systems-plan.js';

/** Options of {@link explainExperiment}. */
export interface ExplainOptions {
  /** Kernel backend (overrides the config's `kernels`), as for `runExperiment`. */
  readonly kernels?: 'auto' | 'native' | 'js';
  /** Folder that relative data paths resolve against (the config file's folder for the CLI). */
  readonly baseDir?: string;
}

/** A run context for `prepare` alone: nothing is recorded, logged or checkpointed. */
function planningContext(cfg: ExperimentConfig, options: ExplainOptions): RunContext {
  const loaded = loadKernels(options.kernels ?? cfg.kernels);
  return {
    cfg,
    kernels: loaded.kernels,
    hostKernels: loaded.backend === 'native' ? 'native' : 'js',
    log: pino({ level: 'silent' }),
    baseDir: options.baseDir ?? resolve('.'),
    security: null,
    elapsed: () => 0,
    record: async () => {},
    resume: null,
    boundary: async () => {},
  };
}

function memoryPlan(ctx: RunContext, family: 'federated' | 'gossip'): Explanation['memory'] & { params: number } {
  const f = (family === 'federated' ? federatedDriver : gossipDriver).footprint(ctx);
  checkPayloadLimit(f.params, ctx.cfg.runtime.kind);
  const e = estimateMemory(f);
  const available = availableMemory();
  return {
    params: f.params,
    estimate_mb: mb(e.totalBytes),
    available_mb: mb(available),
    parts_mb: Object.fromEntries(Object.entries(e.parts).map(([k, v]) => [k, mb(v)])),
    fits: e.totalBytes <= available,
  };
}

/**
 * The plan of a run without running it (`starling explain`, `starling run --dry-run`): the resolved
 * config, the partition, which host carries which nodes, the topology's |λ₂| (gossip), the bytes per
 * round on each link after compression, the privacy plan (σ, ε per round and at the end), the memory
 * estimate and the kernel calls of a round. It loads the data and prepares the run exactly as
 * `runExperiment` does (same seeds, same refusals: a config the run would refuse before round 0 throws
 * the same error here, except the memory check, which is reported in `memory.fits`), trains nothing
 * but one scratch local round to count kernel calls, and writes no file.
 */
export function explainExperiment(config: unknown, options: ExplainOptions = {}): Explanation {
  const cfg = validateConfig(config, 'experiment config');
  const a = cfg.algorithm;
  // An asynchronous run is prepared from its FedAvg twin (same data, model, profiles); its traffic differs.
  const isAsync = a.kind === 'fedasync' || a.kind === 'fedbuff';
  if (isAsync) checkAsyncSupported(cfg);
  const ctx = planningContext(isAsync ? syncTwin(cfg) : cfg, options);
  const family = ALGORITHMS[cfg.algorithm.kind].family;
  const { params, ...memory } = memoryPlan(ctx, family);
  const common = { name: cfg.name, family, algorithm: cfg.algorithm.kind, params, config: cfg, memory };
  if (family === 'federated') {
    const prep = federatedDriver.prepare(ctx);
    const placement = placeNodes(cfg.runtime, prep.parts.length);
    const fed = federatedTraffic(ctx.cfg, prep, ctx.kernels, placement.owner);
    const { selected } = fed;
    const traffic = isAsync ? asyncTraffic(a, fed.traffic) : fed.traffic;
    const { owner: _, ...hosts } = placement;
    const mean = selected.reduce((s, n) => s + n.length, 0) / Math.max(1, selected.length);
    const first = selected.find((n) => n.length > 0)?.[0] ?? 0;
    const train = prep.data.train;
    const systems = systemsPlan(ctx.cfg, prep, Math.round(mean));
    return {
      ...common,
      ...(systems ? { systems } : {}),
      rounds: prep.rounds,
      partition: partitionPlan(prep.parts, train.y, train.classes),
      placement: hosts,
      topology: null,
      traffic,
      privacy: prep.privacy ? privacyPlan(prep.privacy, prep.rounds) : null,
      kernel_calls: kernelCallsPlan(prep.setup, prep.parts, prep.model, cfg.seed, ctx.kernels, first, mean),
      flops: flopsPlan(prep.model, prep.setup.local, prep.parts, selected),
    };
  }
  const prep = gossipDriver.prepare(ctx);
  const placement = placeNodes(cfg.runtime, prep.algorithm.peers);
  const { owner: _, ...hosts } = placement;
  const report = reportTopology(buildTopology(prep.setup.topology, 'algorithm.topology'));
  const train = prep.data.train;
  return {
    ...common,
    rounds: prep.rounds,
    partition: prep.algorithm.kind === 'dpsgd' ? partitionPlan(prep.parts, train.y, train.classes) : null,
    placement: hosts,
    topology: {
      kind: report.kind,
      nodes: report.nodes,
      lambda2: report.lambda2,
      spectral_gap: report.spectralGap,
      degree: { min: report.degree.min, max: report.degree.max },
      messages_per_round: report.messagesPerRound,
      time_varying: report.timeVarying,
    },
    traffic: gossipTraffic(cfg, prep, ctx.kernels),
    privacy: null,
    kernel_calls: kernelCallsPlan(
      prep.setup.node,
      prep.parts,
      prep.model,
      cfg.seed,
      ctx.kernels,
      0,
      prep.algorithm.peers,
    ),
    // Every peer takes its local steps in every round.
    flops: flopsPlan(prep.model, prep.setup.node.local, prep.parts, [prep.parts.map((_, i) => i)]),
  };
}
