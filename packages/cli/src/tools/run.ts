import { resolve } from 'node:path';
import { configBaseDir, loadConfig, runExperiment } from '@starling/runner';
import { kernelsModeFromEnv } from '@starling/worker';
import { checkSeedFlag } from './explain.js';
import { makeProgress, type Progress } from './progress.js';
import { stopOnSignals } from './signals.js';

/** What `starling run` and `starling server` pass (their parsed flags). */
export interface RunCliOptions {
  readonly config: string;
  readonly out?: string;
  readonly set: readonly string[];
  readonly seed?: number;
  readonly kernels?: 'auto' | 'native' | 'js';
  readonly json: boolean;
  readonly quiet: boolean;
  readonly force: boolean;
  /** Print the plan (`starling explain`) instead of running. */
  readonly dryRun?: boolean;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
}

/** The `starling run` (and `starling server`) handler: argv → config → run → summary on stdout. */
export async function runFromCli(args: RunCliOptions): Promise<void> {
  if (args.dryRun) {
    (await import('./explain.js')).explainFromCli(args);
    return;
  }
  checkSeedFlag(args.seed);
  const cfg = loadConfig(args.config, args.set, args.seed);
  const showProgress = !args.quiet && !args.json;
  let progress: Progress = makeProgress(0, false);
  const startedAt = new Date(); // the CLI is the edge that reads the clock
  const stop = stopOnSignals();
  const summary = await runExperiment(cfg, {
    signal: stop.signal,
    startedAt,
    out: args.out === undefined ? undefined : resolve(args.out),
    kernels: args.kernels ?? kernelsModeFromEnv() ?? cfg.kernels,
    baseDir: configBaseDir(args.config),
    logLevel: args.logLevel,
    force: args.force,
    onStart: (run) => {
      progress = makeProgress(run.rounds, showProgress);
    },
    onRound: (line, evaluated) => {
      if (evaluated) progress.update(line.round, { loss: line.test_loss, accuracy: line.test_accuracy });
    },
  }).finally(() => {
    progress.stop();
    stop.release();
  });
  if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else if (!args.quiet) {
    const acc = summary.test_accuracy === null ? '-' : summary.test_accuracy.toFixed(4);
    process.stderr.write(`done: test_accuracy ${acc} in ${summary.wall_s.toFixed(1)} s -> ${summary.out}\n`);
  }
}
