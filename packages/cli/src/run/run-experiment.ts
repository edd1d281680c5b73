import { evaluate } from '@starling/core';
import { loadKernels } from '@starling/worker';
import type { Logger } from 'pino';
import type { ExperimentConfig } from '../config/schema.js';
import { checkCompressionSupported } from './compression-run.js';
import { runMeta } from './meta.js';
import { prepareRun } from './prepare.js';
import { checkPrivacySupported, privacyMeta, privacySummary } from './privacy-run.js';
import { makeProgress } from './progress.js';
import type { RunDir } from './run-dir.js';
import { executeRounds } from './runtimes.js';

/** What `summary.json` holds (and `--json` prints). Fields are never renamed. */
export interface RunSummary {
  name: string;
  test_accuracy: number | null;
  test_loss: number | null;
  rounds: number;
  bytes_up: number;
  bytes_down: number;
  epsilon: number | null;
  wall_s: number;
  backend: string;
  /** SIMD level of the native kernels (null for js). */
  simd?: string | null;
  runtime: string;
  model_sha256: string;
  out: string;
  /** Why the run ended before `algorithm.rounds` (`'privacy budget'`), or null. */
  stopped_early?: string | null;
  /** With `privacy`: δ, σ, q and accountant steps behind `epsilon`, and the sampling it assumes. */
  privacy?: Record<string, unknown>;
  /** Parameter-server runs: tensor payload bytes (encoder output or raw f32) up and down, see docs/compression.md. */
  payload_bytes_up?: number;
  payload_bytes_down?: number;
  /** Parameter-server runs: the uplink payloads' theoretical size (`Encoded.theoreticalBits`, 32 per raw value). */
  theoretical_bits_up?: number;
  /** Peak resident set size of this process over the run, in MiB (`process.resourceUsage().maxRSS`). */
  peak_rss_mb?: number;
}

/**
 * Runs one experiment to completion in the configured runtime and writes every artifact into `dir`.
 * @param kernelsMode the backend request after CLI/env precedence (`auto`, `native` or `js`)
 */
export async function runExperiment(
  cfg: ExperimentConfig,
  dir: RunDir,
  log: Logger,
  opts: { kernelsMode: 'auto' | 'native' | 'js'; progress: boolean; repoDir: string; baseDir: string },
): Promise<RunSummary> {
  checkPrivacySupported(cfg);
  checkCompressionSupported(cfg);
  if (cfg.algorithm.kind === 'dpsgd' || cfg.algorithm.kind === 'consensus') {
    return (await import('./run-gossip.js')).runGossipExperiment(cfg, dir, log, opts);
  }
  const started = new Date();
  const t0 = performance.now();
  const loaded = loadKernels(opts.kernelsMode);
  if (loaded.warning) log.warn({ backend: loaded.backend }, loaded.warning);
  const kernels = loaded.kernels;
  dir.writeJson('config.resolved.json', cfg);
  const meta = runMeta({
    seed: cfg.seed,
    backend: loaded.backend,
    simd: loaded.simd ?? null,
    runtime: cfg.runtime.kind,
    startedAt: started,
    repoDir: opts.repoDir,
  });
  dir.writeJson('meta.json', meta);

  const prep = prepareRun(cfg, kernels, loaded.backend === 'native' ? 'native' : 'js', opts.baseDir);
  const { train, test } = prep.data;
  const model = prep.model;
  const global = prep.machine.params;
  dir.writeJson('partition.json', prep.partitionSummary);
  const privacy = prep.privacy;
  if (privacy) {
    dir.writeJson('meta.json', { ...meta, privacy: privacyMeta(privacy) });
    log.info(privacyMeta(privacy), 'privacy plan');
  }
  log.info({ train: train.n, test: test.n, params: model.layout.size, nodes: prep.parts.length }, 'experiment ready');

  const progress = makeProgress(prep.plan.rounds, opts.progress);
  let last = { loss: null as number | null, accuracy: null as number | null };
  let bytesUp = 0;
  let bytesDown = 0;
  const payload = { up: 0, down: 0, bits: 0 };
  const every = cfg.eval.every;
  let lastRound = -1;
  const report = await executeRounds(cfg, prep, kernels, log, (s, traffic) => {
    lastRound = s.round;
    const evalNow = (s.round + 1) % every === 0 || s.round + 1 === prep.plan.rounds;
    if (evalNow) {
      const e = evaluate(model, cfg.loss.kind, kernels, global, test);
      last = { loss: e.loss, accuracy: e.accuracy };
    }
    bytesUp += traffic.bytesUp;
    bytesDown += traffic.bytesDown;
    payload.up += traffic.payloadBytesUp;
    payload.down += traffic.payloadBytesDown;
    payload.bits += traffic.theoreticalBitsUp;
    dir.appendMetrics({
      round: s.round,
      time_s: (performance.now() - t0) / 1000,
      train_loss: s.trainLoss,
      test_loss: evalNow ? last.loss : null,
      test_accuracy: evalNow ? last.accuracy : null,
      bytes_up: traffic.bytesUp,
      bytes_down: traffic.bytesDown,
      payload_bytes_up: traffic.payloadBytesUp,
      payload_bytes_down: traffic.payloadBytesDown,
      theoretical_bits_up: traffic.theoreticalBitsUp,
      epsilon: privacy ? privacy.epsilonAfter(s.round) : null,
      participants: s.results.length,
      failures: s.failures.length,
      aggregated: s.aggregated,
      ...(privacy ? { dp_round: privacy.roundStatus(s.round) ?? null } : {}),
    });
    log.info(
      { round: s.round, trainLoss: s.trainLoss, testAccuracy: evalNow ? last.accuracy : null },
      'round complete',
    );
    if (evalNow) progress.update(s.round, last);
  });
  const rounds = report.rounds;
  const stoppedEarly = prep.machine.stoppedEarly;
  if (stoppedEarly !== null) {
    log.warn({ rounds, reason: stoppedEarly }, 'run stopped early');
    // The last closed round may not have been evaluated: the summary reports the final model.
    const e = lastRound >= 0 ? evaluate(model, cfg.loss.kind, kernels, global, test) : null;
    if (e) last = { loss: e.loss, accuracy: e.accuracy };
  }
  dir.writeJson('links.json', { links: report.links, rejected: report.rejected });
  progress.stop();
  const sha = dir.writeModel(global, model.layout);
  const summary: RunSummary = {
    name: cfg.name,
    test_accuracy: last.accuracy,
    test_loss: last.loss,
    rounds,
    bytes_up: bytesUp,
    bytes_down: bytesDown,
    epsilon: privacy ? privacy.epsilon() : null,
    wall_s: (performance.now() - t0) / 1000,
    backend: loaded.backend,
    simd: loaded.simd ?? null,
    runtime: cfg.runtime.kind,
    model_sha256: sha,
    out: dir.path,
    stopped_early: stoppedEarly,
    ...(privacy ? { privacy: privacySummary(privacy) } : {}),
    payload_bytes_up: payload.up,
    payload_bytes_down: payload.down,
    theoretical_bits_up: payload.bits,
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  dir.writeJson('summary.json', summary);
  log.info(summary, 'run complete');
  return summary;
}
