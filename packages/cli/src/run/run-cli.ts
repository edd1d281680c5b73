import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errors } from '@starling/core';
import { kernelsModeFromEnv } from '@starling/worker';
import pino from 'pino';
import type { RunArgs } from '../commands/run.js';
import { loadConfig } from '../config/load.js';
import { defaultRunPath, RunDir } from './run-dir.js';
import { runExperiment } from './run-experiment.js';

const repoDir = fileURLToPath(new URL('../../../..', import.meta.url));

/** The `starling run` handler: config -> run folder -> summary. */
export async function runFromCli(args: RunArgs): Promise<void> {
  if (args.seed !== undefined && !(Number.isSafeInteger(args.seed) && args.seed >= 0)) {
    throw errors.usage(`--seed must be a non-negative integer, got ${args.seed}`);
  }
  const cfg = loadConfig(args.config, args.set, args.seed);
  const out = args.out ? resolve(args.out) : defaultRunPath(resolve('runs'), cfg.name, new Date());
  const dir = new RunDir(out);
  const log = pino(
    { level: args['log-level'], base: { run: cfg.name } },
    pino.destination({ dest: dir.file('run.log'), sync: true }),
  );
  const kernelsMode = args.kernels ?? kernelsModeFromEnv() ?? cfg.kernels;
  try {
    const summary = await runExperiment(cfg, dir, log, {
      kernelsMode,
      progress: !args.quiet && !args.json,
      repoDir,
      baseDir: dirname(resolve(args.config)),
    });
    if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else if (!args.quiet) {
      const acc = summary.test_accuracy === null ? '-' : summary.test_accuracy.toFixed(4);
      process.stderr.write(`done: test_accuracy ${acc} in ${summary.wall_s.toFixed(1)} s -> ${out}\n`);
    }
  } catch (err) {
    log.error({ err }, 'run failed');
    throw err;
  }
}
