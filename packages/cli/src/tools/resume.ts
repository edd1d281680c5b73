import { resumeExperiment } from '@starling/runner';
import { kernelsModeFromEnv } from '@starling/worker';
import { makeProgress, type Progress } from './progress.js';

/** What `starling resume` passes (its parsed flags). */
export interface ResumeCliOptions {
  readonly run: string;
  readonly kernels?: 'auto' | 'native' | 'js';
  readonly json: boolean;
  readonly quiet: boolean;
  readonly force: boolean;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
}

/** The `starling resume` handler: run folder → resumed run → summary on stdout (as `starling run`). */
export async function resumeFromCli(args: ResumeCliOptions): Promise<void> {
  const showProgress = !args.quiet && !args.json;
  let progress: Progress = makeProgress(0, false);
  const summary = await resumeExperiment(args.run, {
    startedAt: new Date(), // the CLI is the edge that reads the clock
    kernels: args.kernels ?? kernelsModeFromEnv(),
    logLevel: args.logLevel,
    force: args.force,
    onStart: (run) => {
      progress = makeProgress(run.rounds, showProgress);
    },
    onRound: (line, evaluated) => {
      if (evaluated) progress.update(line.round, { loss: line.test_loss, accuracy: line.test_accuracy });
    },
  }).finally(() => progress.stop());
  if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else if (!args.quiet) {
    const acc = summary.test_accuracy === null ? '-' : summary.test_accuracy.toFixed(4);
    process.stderr.write(`done: test_accuracy ${acc} in ${summary.wall_s.toFixed(1)} s -> ${summary.out}\n`);
  }
}
