import { consoleLine, resumeExperiment } from '@starling/runner';
import { kernelsModeFromEnv } from '@starling/worker';
import { type LogLevel, setupConsole } from './console-setup.js';
import { makeProgress, type Progress } from './progress.js';

/** What `starling resume` passes (its parsed flags). */
export interface ResumeCliOptions {
  readonly run: string;
  readonly kernels?: 'auto' | 'native' | 'js';
  readonly json: boolean;
  readonly quiet: boolean;
  readonly force: boolean;
  readonly logLevel: LogLevel;
  /** Console lines as text or pino JSON (`--log-format`). */
  readonly logFormat?: 'text' | 'json';
}

/** The `starling resume` handler: run folder → resumed run → summary on stdout (as `starling run`). */
export async function resumeFromCli(args: ResumeCliOptions): Promise<void> {
  setupConsole(args.logLevel, args.logFormat ?? 'text');
  const showProgress = !args.quiet && !args.json;
  let progress: Progress = makeProgress(0, false);
  const summary = await resumeExperiment(args.run, {
    startedAt: new Date(), // the CLI is the edge that reads the clock
    kernels: args.kernels ?? kernelsModeFromEnv(),
    logLevel: args.logLevel,
    force: args.force,
    onStart: (run) => {
      progress = makeProgress(run.rounds, showProgress, args.logFormat === 'json');
    },
    onRound: (line, evaluated) => {
      progress.update(line, evaluated);
    },
  }).finally(() => progress.stop());
  if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else if (!args.quiet) {
    const acc = summary.test_accuracy === null ? '-' : summary.test_accuracy.toFixed(4);
    const fields = { test_accuracy: summary.test_accuracy, wall_s: summary.wall_s, out: summary.out };
    consoleLine('info', fields, `done: test_accuracy ${acc} in ${summary.wall_s.toFixed(1)} s -> ${summary.out}`);
  }
}
