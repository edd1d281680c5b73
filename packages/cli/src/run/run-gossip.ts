import { errors, type Layout } from '@starling/core';
import { loadKernels } from '@starling/worker';
import type { Logger } from 'pino';
import type { ExperimentConfig } from '../config/schema.js';
import { gossipRoundMetrics } from './gossip-metrics.js';
import { gossipAlgorithm, prepareGossip } from './gossip-prepare.js';
import { executeGossip } from './gossip-runtimes.js';
import { runMeta } from './meta.js';
import { makeProgress } from './progress.js';
import type { RunDir } from './run-dir.js';
import type { RunSummary } from './run-experiment.js';

/** `summary.json` of a gossip run: the common fields plus the last evaluated round's gossip metrics. */
export interface GossipSummary extends RunSummary {
  consensus_error: number | null;
  node_accuracy_mean: number | null;
  node_accuracy_std: number | null;
  peers_lost: number;
  /** Gossip payload bytes sent over the run (encoder output; `bytes_up` adds the message headers). */
  payload_bytes: number;
  /** `compression.gossip` and `gamma` when the run used CHOCO-SGD, else null. */
  gossip_compression: { compressor: Record<string, unknown>; gamma: number } | null;
}

/**
 * Runs a decentralized experiment (`dpsgd` or `consensus`) in the configured runtime and writes the
 * run folder: `metrics.jsonl` per round (contract fields plus consensus error and node-accuracy
 * spread; `bytes_up`/`bytes_down` are gossip bytes sent/received summed over the peers, `payload_bytes`
 * the encoders' share of them; with `compression.gossip` the peers run CHOCO-SGD), `links.json`
 * (bytes per directed link `i->j`, and the hosts), and the final average model x̄ as `model.bin`.
 */
export async function runGossipExperiment(
  cfg: ExperimentConfig,
  dir: RunDir,
  log: Logger,
  opts: { kernelsMode: 'auto' | 'native' | 'js'; progress: boolean; repoDir: string; baseDir: string },
): Promise<GossipSummary> {
  const started = new Date();
  const t0 = performance.now();
  const a = gossipAlgorithm(cfg);
  if (!a) throw errors.option('algorithm.kind', 'dpsgd or consensus for a gossip run', cfg.algorithm.kind);
  const loaded = loadKernels(opts.kernelsMode);
  if (loaded.warning) log.warn({ backend: loaded.backend }, loaded.warning);
  const kernels = loaded.kernels;
  dir.writeJson('config.resolved.json', cfg);
  dir.writeJson(
    'meta.json',
    runMeta({
      seed: cfg.seed,
      backend: loaded.backend,
      simd: loaded.simd ?? null,
      runtime: cfg.runtime.kind,
      startedAt: started,
      repoDir: opts.repoDir,
    }),
  );
  const prep = prepareGossip(cfg, a, loaded.backend === 'native' ? 'native' : 'js', opts.baseDir);
  if (!prep.setup.choco && cfg.compression.gamma !== undefined) {
    log.warn({ gamma: cfg.compression.gamma }, 'compression.gamma is unused without compression.gossip');
  }
  dir.writeJson('partition.json', prep.partitionSummary);
  log.info({ peers: a.peers, topology: prep.setup.topology, params: prep.model.layout.size }, 'gossip run ready');

  const ev = {
    model: prep.model,
    loss: cfg.loss.kind,
    kernels,
    test: prep.data.test,
    evaluateModels: a.kind === 'dpsgd',
  };
  const progress = makeProgress(a.rounds, opts.progress);
  const links: Record<string, number> = {};
  const totals = { up: 0, down: 0, payload: 0 };
  let last = { loss: null as number | null, accuracy: null as number | null, consensus: null as number | null };
  let spread = { mean: null as number | null, std: null as number | null };
  let average: Float32Array | null = null;
  let lost = 0;
  const report = await executeGossip(cfg, prep, kernels, log, async (r) => {
    const { fields, average: avg } = await gossipRoundMetrics(r, ev);
    for (const x of r.reports)
      for (const [j, b] of Object.entries(x.links)) links[`${x.node}->${j}`] = (links[`${x.node}->${j}`] ?? 0) + b;
    totals.up += fields.bytes_up;
    totals.down += fields.bytes_down;
    totals.payload += fields.payload_bytes;
    lost = r.lost.length;
    if (avg) {
      average = avg;
      last = { loss: fields.test_loss, accuracy: fields.test_accuracy, consensus: fields.consensus_error };
      spread = { mean: fields.node_accuracy_mean, std: fields.node_accuracy_std };
    }
    dir.appendMetrics({ round: r.round, time_s: (performance.now() - t0) / 1000, ...fields, epsilon: null });
    if (fields.refused_payloads > 0) log.warn({ round: r.round, refused: fields.refused_payloads }, 'payloads refused');
    if (fields.dropped_neighbours > 0) {
      log.warn({ round: r.round, dropped: fields.dropped_neighbours, lost: r.lost }, 'neighbours left out of averages');
    }
    log.info(
      { round: r.round, trainLoss: fields.train_loss, consensusError: fields.consensus_error },
      'round complete',
    );
    if (avg) progress.update(r.round, { loss: fields.test_loss, accuracy: fields.test_accuracy });
  });
  progress.stop();
  dir.writeJson('links.json', { links, hosts: report.hosts, lost: report.lost });
  const final = (average as Float32Array | null) ?? new Float32Array(prep.model.layout.size);
  const sha = dir.writeModel(final, prep.model.layout as Layout);
  const summary: GossipSummary = {
    name: cfg.name,
    test_accuracy: last.accuracy,
    test_loss: last.loss,
    rounds: report.rounds,
    bytes_up: totals.up,
    bytes_down: totals.down,
    epsilon: null,
    wall_s: (performance.now() - t0) / 1000,
    backend: loaded.backend,
    runtime: cfg.runtime.kind,
    model_sha256: sha,
    out: dir.path,
    consensus_error: last.consensus,
    node_accuracy_mean: spread.mean,
    node_accuracy_std: spread.std,
    peers_lost: Math.max(lost, report.lost.length),
    payload_bytes: totals.payload,
    gossip_compression: prep.setup.choco
      ? { compressor: { ...prep.setup.choco.compressor }, gamma: prep.setup.choco.gamma }
      : null,
  };
  dir.writeJson('summary.json', summary);
  log.info(summary, 'run complete');
  return summary;
}
