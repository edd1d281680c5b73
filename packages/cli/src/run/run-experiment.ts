import { evaluate } from '@starling/core';
import { loadKernels } from '@starling/worker';
import type { Logger } from 'pino';
import type { ExperimentConfig } from '../config/schema.js';
import { runMeta } from './meta.js';
import { prepareRun } from './prepare.js';
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
  if (cfg.algorithm.kind === 'dpsgd' || cfg.algorithm.kind === 'consensus') {
    return (await import('./run-gossip.js')).runGossipExperiment(cfg, dir, log, opts);
  }
  const started = new Date();
  const t0 = performance.now();
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

  const prep = prepareRun(cfg, kernels, loaded.backend === 'native' ? 'native' : 'js', opts.baseDir);
  const { train, test } = prep.data;
  const model = prep.model;
  const global = prep.machine.params;
  dir.writeJson('partition.json', prep.partitionSummary);
  log.info({ train: train.n, test: test.n, params: model.layout.size, nodes: prep.parts.length }, 'experiment ready');

  const progress = makeProgress(prep.plan.rounds, opts.progress);
  let last = { loss: null as number | null, accuracy: null as number | null };
  let bytesUp = 0;
  let bytesDown = 0;
  const every = cfg.eval.every;
  const report = await executeRounds(cfg, prep, kernels, log, (s, traffic) => {
    const evalNow = (s.round + 1) % every === 0 || s.round + 1 === prep.plan.rounds;
    if (evalNow) {
      const e = evaluate(model, cfg.loss.kind, kernels, global, test);
      last = { loss: e.loss, accuracy: e.accuracy };
    }
    bytesUp += traffic.bytesUp;
    bytesDown += traffic.bytesDown;
    dir.appendMetrics({
      round: s.round,
      time_s: (performance.now() - t0) / 1000,
      train_loss: s.trainLoss,
      test_loss: evalNow ? last.loss : null,
      test_accuracy: evalNow ? last.accuracy : null,
      bytes_up: traffic.bytesUp,
      bytes_down: traffic.bytesDown,
      epsilon: null,
      participants: s.results.length,
      failures: s.failures.length,
      aggregated: s.aggregated,
    });
    log.info(
      { round: s.round, trainLoss: s.trainLoss, testAccuracy: evalNow ? last.accuracy : null },
      'round complete',
    );
    if (evalNow) progress.update(s.round, last);
  });
  const rounds = report.rounds;
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
    epsilon: null,
    wall_s: (performance.now() - t0) / 1000,
    backend: loaded.backend,
    simd: loaded.simd ?? null,
    runtime: cfg.runtime.kind,
    model_sha256: sha,
    out: dir.path,
  };
  dir.writeJson('summary.json', summary);
  log.info(summary, 'run complete');
  return summary;
}
