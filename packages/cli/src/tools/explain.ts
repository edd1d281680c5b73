import { errors } from '@starling/core';
import { configBaseDir, explainExperiment, formatExplanation, loadConfig } from '@starling/runner';
import { kernelsModeFromEnv } from '@starling/worker';

/** The flags `starling explain` and `starling run --dry-run` read. */
export interface ExplainCliOptions {
  readonly config: string;
  readonly set: readonly string[];
  readonly seed?: number;
  readonly kernels?: 'auto' | 'native' | 'js';
  readonly json: boolean;
}

/** Checks `--seed` as `starling run` does (a usage error naming the flag). */
export function checkSeedFlag(seed: number | undefined): void {
  if (seed !== undefined && !(Number.isSafeInteger(seed) && seed >= 0)) {
    throw errors.usage(`--seed must be a non-negative integer, got ${seed}`);
  }
}

/** `starling explain <config>` and `starling run <config> --dry-run`: the run's plan on stdout, nothing run. */
export function explainFromCli(args: ExplainCliOptions): void {
  checkSeedFlag(args.seed);
  const cfg = loadConfig(args.config, args.set, args.seed);
  const explanation = explainExperiment(cfg, {
    kernels: args.kernels ?? kernelsModeFromEnv() ?? cfg.kernels,
    baseDir: configBaseDir(args.config),
  });
  process.stdout.write(args.json ? `${JSON.stringify(explanation)}\n` : formatExplanation(explanation));
}
