import { evaluate, loadData, makeModel, Rng } from '@starling/core';
import { RoundMachine, runInline, ServerOptimizer, type ServerOptimizerSpec } from '@starling/server';
import type { Logger } from 'pino';
import type { ExperimentConfig } from '../config/schema.js';
import { buildFederation } from './build-nodes.js';
import { loadKernels } from './kernel-choice.js';
import { runMeta } from './meta.js';
import { makeProgress } from './progress.js';
import type { RunDir } from './run-dir.js';

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
  opts: { kernelsMode: 'auto' | 'native' | 'js'; progress: boolean; repoDir: string },
): Promise<RunSummary> {
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

  const rng = Rng.fromSeed(cfg.seed);
  const { train, test } = loadData(cfg.data, rng.fork('data'));
  const model = makeModel(cfg.model, train.d, train.classes, cfg.loss.kind);
  const global = new Float32Array(model.layout.size);
  model.init(global, rng.fork('model'));
  const fed = buildFederation(cfg, model, kernels, train, rng);
  dir.writeJson('partition.json', fed.partitionSummary);
  log.info({ train: train.n, test: test.n, params: model.layout.size, nodes: fed.nodes.size }, 'experiment ready');

  const serverOpt =
    cfg.algorithm.kind === 'centralized' ? { kind: 'plain' as const, lr: 1 } : cfg.algorithm.serverOptimizer;
  const machine = new RoundMachine(
    global,
    [...fed.nodes.keys()],
    fed.plan,
    new ServerOptimizer(serverOpt as ServerOptimizerSpec),
    kernels,
    rng.fork('server'),
  );
  const progress = makeProgress(fed.plan.rounds, opts.progress);
  let last = { loss: null as number | null, accuracy: null as number | null };
  const every = cfg.eval.every;
  if (cfg.runtime.kind !== 'inline') throw new Error(`runtime ${cfg.runtime.kind} is not available yet`);
  const rounds = await runInline(machine, fed.nodes, fed.local, (s) => {
    const evalNow = (s.round + 1) % every === 0 || s.round + 1 === fed.plan.rounds;
    if (evalNow) {
      const e = evaluate(model, cfg.loss.kind, kernels, global, test);
      last = { loss: e.loss, accuracy: e.accuracy };
    }
    dir.appendMetrics({
      round: s.round,
      time_s: (performance.now() - t0) / 1000,
      train_loss: s.trainLoss,
      test_loss: evalNow ? last.loss : null,
      test_accuracy: evalNow ? last.accuracy : null,
      bytes_up: 0,
      bytes_down: 0,
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
  progress.stop();
  const sha = dir.writeModel(global, model.layout);
  const summary: RunSummary = {
    name: cfg.name,
    test_accuracy: last.accuracy,
    test_loss: last.loss,
    rounds,
    bytes_up: 0,
    bytes_down: 0,
    epsilon: null,
    wall_s: (performance.now() - t0) / 1000,
    backend: loaded.backend,
    runtime: cfg.runtime.kind,
    model_sha256: sha,
    out: dir.path,
  };
  dir.writeJson('summary.json', summary);
  log.info(summary, 'run complete');
  return summary;
}
