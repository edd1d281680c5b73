import { resolve } from 'node:path';
import { configBaseDir, consoleLine, loadConfig, runExperiment } from '@starling/runner';
import { kernelsModeFromEnv } from '@starling/worker';
import { type LogLevel, setupConsole } from './console-setup.js';
import { dashboardPort } from './dashboard/dashboard-port.js';
import { type DashboardSession, openDashboard } from './dashboard/dashboard-session.js';
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
  readonly logLevel: LogLevel;
  /** Console lines as text or pino JSON (`--log-format`). */
  readonly logFormat?: 'text' | 'json';
  /** `--dashboard [port]`: serve the live dashboard (see docs/dashboard.md); absent: none. */
  readonly dashboard?: string | number | boolean;
}

/** The `starling run` (and `starling server`) handler: argv → config → run → summary on stdout. */
export async function runFromCli(args: RunCliOptions): Promise<void> {
  if (args.dryRun) {
    (await import('./explain.js')).explainFromCli(args);
    return;
  }
  checkSeedFlag(args.seed);
  const port = dashboardPort(args.dashboard);
  const cfg = loadConfig(args.config, args.set, args.seed);
  setupConsole(args.logLevel, args.logFormat ?? 'text');
  // Opened before round 0, so a port in use is refused (exit 2) before anything runs.
  const dashboard: DashboardSession | null = port === null ? null : await openDashboard(port);
  const showProgress = !args.quiet && !args.json;
  let progress: Progress = makeProgress(0, false);
  const startedAt = new Date(); // the CLI is the edge that reads the clock
  const stop = stopOnSignals();
  const running = runExperiment(cfg, {
    signal: stop.signal,
    startedAt,
    out: args.out === undefined ? undefined : resolve(args.out),
    kernels: args.kernels ?? kernelsModeFromEnv() ?? cfg.kernels,
    baseDir: configBaseDir(args.config),
    logLevel: args.logLevel,
    force: args.force,
    onStart: (run) => {
      progress = makeProgress(run.rounds, showProgress, args.logFormat === 'json');
    },
    onRound: (line, evaluated) => {
      progress.update(line, evaluated);
    },
    ...(dashboard ? { onTelemetry: dashboard.telemetry } : {}),
  });
  // With a dashboard, its end event and closing come before the CLI prints and exits.
  const summary = await (dashboard ? dashboard.follow(running) : running).finally(() => {
    progress.stop();
    stop.release();
  });
  if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else if (!args.quiet) {
    const acc = summary.test_accuracy === null ? '-' : summary.test_accuracy.toFixed(4);
    const fields = { test_accuracy: summary.test_accuracy, wall_s: summary.wall_s, out: summary.out };
    consoleLine('info', fields, `done: test_accuracy ${acc} in ${summary.wall_s.toFixed(1)} s -> ${summary.out}`);
  }
}
