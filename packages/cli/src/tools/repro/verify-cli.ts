import { consoleLine } from '@starling/runner';
import { type LogLevel, setupConsole } from '../console-setup.js';
import { makeProgress, type Progress } from '../progress.js';
import { stopOnSignals } from '../signals.js';
import { type LocalRuntime, type VerifyResult, verifyRun } from './verify-run.js';

/** What `starling repro verify` passes (its parsed flags). */
export interface VerifyCliOptions {
  readonly run: string;
  readonly runtime?: LocalRuntime;
  readonly kernels?: 'js' | 'native';
  readonly keep: boolean;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly logLevel: LogLevel;
  readonly logFormat?: 'text' | 'json';
}

/** The verdict for a person: `identical <sha>` or which file differs, with every hash. */
export function verdictText(r: VerifyResult): string {
  const how = `${r.name}, ${r.rounds} rounds, ${r.runtime}, ${r.backend}${r.simd ? `/${r.simd}` : ''}`;
  const lines: string[] = [];
  if (r.identical) lines.push(`identical: model_sha256 ${r.rerun_sha256} (${how})`);
  else {
    lines.push(`differs: the re-run's model is not the run's (${how})`);
    lines.push(`  re-run model.bin          ${r.rerun_sha256}`);
    const mark = (file: 'summary.json' | 'model.bin') => (r.differs.includes(file) ? '  <- differs' : '');
    lines.push(`  summary.json model_sha256 ${r.summary_sha256}${mark('summary.json')}`);
    lines.push(`  model.bin in the folder   ${r.model_file_sha256}${mark('model.bin')}`);
  }
  for (const note of r.notes) lines.push(`  note: ${note}`);
  if (r.rerun_out) lines.push(`  re-run kept in ${r.rerun_out}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The `starling repro verify` handler: re-runs the folder's run, prints the verdict (or `--json`) on
 * stdout, round progress on stderr; exit code 0 identical, 1 differs (refusals throw: exit code 2).
 */
export async function verifyFromCli(args: VerifyCliOptions): Promise<void> {
  setupConsole(args.logLevel, args.logFormat ?? 'text');
  let progress: Progress = makeProgress(0, false);
  const stop = stopOnSignals();
  const result = await verifyRun(args.run, {
    ...(args.runtime ? { runtime: args.runtime } : {}),
    ...(args.kernels ? { kernels: args.kernels } : {}),
    keep: args.keep,
    run: {
      signal: stop.signal,
      startedAt: new Date(), // the CLI is the edge that reads the clock
      logLevel: args.logLevel,
      onStart: (info) => {
        if (!args.quiet) consoleLine('info', info, `re-running ${info.name} (${info.rounds} rounds) in ${info.out}`);
        progress = makeProgress(info.rounds, !args.quiet, args.logFormat === 'json');
      },
      onRound: (line, evaluated) => progress.update(line, evaluated),
    },
  }).finally(() => {
    progress.stop();
    stop.release();
  });
  process.stdout.write(args.json ? `${JSON.stringify(result)}\n` : verdictText(result));
  if (!result.identical) process.exitCode = 1;
}
