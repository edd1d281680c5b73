import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadKernels } from '@starling/worker';
import type pino from 'pino';
import type { Logger } from 'pino';
import { runMeta } from '../artifacts/meta.js';
import type { MetricsLine } from '../artifacts/metrics-line.js';
import { defaultRunPath, RunDir } from '../artifacts/run-dir.js';
import { RunStatusFile } from '../artifacts/run-status.js';
import { Checkpointing } from '../checkpoint/checkpointing.js';
import { validateConfig } from '../config/load.js';
import type { ExperimentConfig } from '../config/schema.js';
import { ALGORITHMS } from '../drivers/algorithms.js';
import type { RunContext, RunOutcome } from '../drivers/driver.js';
import { clusterSecurity } from '../hosts/cluster-security.js';
import { checkPayloadLimit } from '../preflight/payload-limit.js';
import { checkMemory, type MemoryPlan } from '../preflight/preflight.js';
import { exitCodeFor, isInterrupted } from './exit-code.js';
import type { RunSummary } from './run-summary.js';
import type { TelemetryEvent, TelemetrySink } from './telemetry-event.js';

const repoDir = fileURLToPath(new URL('../../../..', import.meta.url));

/** Options of {@link runExperiment}; every one has a default. */
export interface RunOptions {
  /**
   * The run folder (must be absent or empty, and creatable and writable: anything else is refused at once
   * with a `usage` error naming `--out`). Default `runs/<name>-<yyyymmdd-hhmmss>` (see `startedAt`)
   * under the working directory.
   */
  readonly out?: string;
  /**
   * Stops the run when aborted (the CLI wires SIGINT and SIGTERM to it): inline runs stop after the
   * round in progress, socket runtimes at once (hosts are told `bye`). What was recorded stays;
   * meta.json says `status: interrupted` with `last_completed_round`, no summary or model is written,
   * and `runExperiment` rejects with a StarlingError of code `interrupted` (exit code 130). A string
   * `signal.reason` (e.g. `SIGINT`) is recorded in meta.json's `reason`.
   */
  readonly signal?: AbortSignal;
  /** Kernel backend: overrides the config's `kernels` (`auto` falls back to js with a warning). */
  readonly kernels?: 'auto' | 'native' | 'js';
  /**
   * The wall-clock time the run started, recorded in meta.json (`started_at`) and stamped on the default
   * run folder; library code reads no clock, so the caller passes it (the CLI passes its start time).
   * Absent: `started_at` is null and the default folder is `runs/<name>` (`-2`, `-3`, … when taken).
   */
  readonly startedAt?: Date;
  /** Folder that relative data paths in the config resolve against. Default the working directory. */
  readonly baseDir?: string;
  /** Level of the run's `run.log` (default `info`). Ignored when `log` is given. */
  readonly logLevel?: pino.LevelWithSilent;
  /** Run even when the memory pre-flight projects more memory than the machine has available. */
  readonly force?: boolean;
  /** A logger to use instead of `run.log` in the run folder. */
  readonly log?: Logger;
  /** Called once the run is planned, before round 0: its name, planned rounds and folder. */
  readonly onStart?: (info: { readonly name: string; readonly rounds: number; readonly out: string }) => void;
  /**
   * Called with each `metrics.jsonl` line as it is written; `evaluated` is true when the line carries a
   * fresh evaluation of the model. A returned promise is awaited before the run goes on.
   */
  readonly onRound?: (line: MetricsLine, evaluated: boolean) => void | Promise<void>;
  /**
   * Called with every {@link TelemetryEvent} as it happens (start, each metrics line, hosts joining and
   * lost, gossip peers, stragglers, per-link bytes, the end), synchronously and never awaited: keep it
   * quick. What it throws is logged and ignored. Absent: the run is the same (same model bits).
   */
  readonly onTelemetry?: TelemetrySink;
}

/**
 * Runs one experiment to completion in its configured runtime and returns its summary (what
 * `summary.json` holds). `config` is plain data as in an experiment file (YAML or JSON, parsed); it is
 * validated here with every default filled in, so a bad value throws a `config` StarlingError naming
 * its path. This is the path `starling run` takes: same config and seed, same model bits.
 *
 * @example
 * import { runExperiment } from '@starling/runner';
 * const summary = await runExperiment(
 *   { name: 'demo', data: { kind: 'mnist' }, model: { kind: 'softmax' }, loss: { kind: 'softmax_ce' },
 *     optimizer: { kind: 'sgd', lr: 0.1 }, algorithm: { kind: 'fedavg', rounds: 5, clients: 10 } },
 *   { out: 'runs/demo', onRound: (m) => console.log(m.round, m.test_accuracy) },
 * );
 */
export async function runExperiment(config: unknown, options: RunOptions = {}): Promise<RunSummary> {
  const cfg = validateConfig(config, 'experiment config');
  const out =
    options.out === undefined
      ? defaultRunPath(resolve('runs'), cfg.name, options.startedAt ?? null)
      : options.out.trim() === ''
        ? options.out // refused by RunDir, naming --out
        : resolve(options.out);
  const dir = new RunDir(out);
  const log = options.log ?? dir.logger(options.logLevel ?? 'info', cfg.name);
  const driver = ALGORITHMS[cfg.algorithm.kind].family;
  const meta = { base_dir: options.baseDir ?? resolve('.') };
  const checkpoints = new Checkpointing({ cfg, runPath: dir.path, driver, log, meta });
  return runGuarded(cfg, dir, log, checkpoints, options, 'new');
}

/**
 * Runs a run folder's rounds and records how the run ended, for a fresh run (`runExperiment`) and a
 * resumed one (`resumeExperiment`) alike: `checkpoints` carries the checkpoint policy, the checkpoint to
 * resume from (if any) and what it adds to meta.json. Aborting `options.signal` asks `checkpoints` for a
 * checkpoint at the next round boundary (inline runs stop there; socket runtimes stop at once and keep
 * the last periodic checkpoint). A fresh run refused before round 0 (exit code 2) leaves no folder; a
 * refused resume leaves its folder as it was.
 */
export async function runGuarded(
  cfg: ExperimentConfig,
  dir: RunDir,
  log: Logger,
  checkpoints: Checkpointing,
  options: RunOptions,
  folder: 'new' | 'existing',
): Promise<RunSummary> {
  const t0 = performance.now();
  const elapsed = () => checkpoints.timeOffsetS + (performance.now() - t0) / 1000;
  const telemetry = safeSink(options.onTelemetry, log);
  const run: RunState = { started: false, elapsed, status: null, telemetry };
  const onAbort = () => checkpoints.interrupt();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) checkpoints.interrupt();
  try {
    const summary = await runIn(cfg, dir, log, run, checkpoints, {
      ...options,
      onStart: (info) => {
        run.started = true;
        options.onStart?.(info);
      },
    });
    telemetry({ kind: 'end', status: 'completed', reason: null, lastRound: lastRound(run) });
    return summary;
  } catch (err) {
    if (!run.started && exitCodeFor(err) === 2) {
      // A run refused before round 0 (config, privacy budget, memory) leaves no folder behind.
      if (folder === 'new') dir.discard();
    } else endRun(run, log, err, options.signal);
    throw err;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** What the pipeline knows of a run in progress. */
interface RunState {
  /** Whether the run passed its pre-flight checks (round 0 is about to start). */
  started: boolean;
  /** Wall seconds since the run started. */
  readonly elapsed: () => number;
  /** The status in meta.json, once meta.json was first written. */
  status: RunStatusFile | null;
  /** Where telemetry goes (a no-op without `RunOptions.onTelemetry`). */
  readonly telemetry: TelemetrySink;
}

/** The last round recorded in meta.json (-1 when none). */
function lastRound(run: RunState): number {
  return run.status?.current.last_completed_round ?? -1;
}

/** `sink` made safe to call: a throw is logged, never the run's problem; absent: a no-op. */
function safeSink(sink: TelemetrySink | undefined, log: Logger): TelemetrySink {
  if (!sink) return () => {};
  return (event: TelemetryEvent) => {
    try {
      sink(event);
    } catch (err) {
      log.warn({ err, event: event.kind }, 'telemetry callback failed');
    }
  };
}

/**
 * Records how a started run ended badly: `interrupted` (a signal: exit code 130) or `failed` (any
 * other error) in meta.json, with the reason and the last completed round. On a full disk that write
 * may fail too; the run's own error is what the caller sees either way.
 *
 * The checkpoint of an interrupted run is written before this, at the round boundary where the run
 * stopped (`Checkpointing.interrupt`); the error's message names it.
 */
function endRun(run: RunState, log: Logger, err: unknown, signal: AbortSignal | undefined): void {
  const last = lastRound(run);
  const message = err instanceof Error ? err.message : String(err);
  if (isInterrupted(err)) {
    const by = typeof signal?.reason === 'string' ? `${signal.reason}: ` : '';
    log.warn({ lastCompletedRound: last, reason: `${by}${message}` }, 'run interrupted');
    settle(run, log, 'interrupted', `${by}${message}`);
    run.telemetry({ kind: 'end', status: 'interrupted', reason: `${by}${message}`, lastRound: last });
  } else {
    log.error({ err, lastCompletedRound: last }, 'run failed');
    settle(run, log, 'failed', message);
    run.telemetry({ kind: 'end', status: 'failed', reason: message, lastRound: last });
  }
}

function settle(run: RunState, log: Logger, status: 'interrupted' | 'failed', reason: string): void {
  try {
    run.status?.end(status, reason);
  } catch (err) {
    log.error({ err }, 'could not record the run status in meta.json');
  }
}

async function runIn(
  cfg: ExperimentConfig,
  dir: RunDir,
  log: Logger,
  run: RunState,
  checkpoints: Checkpointing,
  options: RunOptions,
): Promise<RunSummary> {
  const { elapsed } = run;
  const loaded = loadKernels(options.kernels ?? cfg.kernels);
  if (loaded.warning) log.warn({ backend: loaded.backend }, loaded.warning);
  const baseDir = options.baseDir ?? resolve('.');
  // Keys and the open-bind refusal are checked before anything else is prepared (exit code 2, no folder).
  const security = clusterSecurity(cfg.runtime, baseDir, log);
  dir.writeJson('config.resolved.json', cfg);
  const meta = runMeta({
    seed: cfg.seed,
    backend: loaded.backend,
    simd: loaded.simd ?? null,
    runtime: cfg.runtime.kind,
    startedAt: options.startedAt ?? null,
    repoDir,
  });
  Object.assign(meta, checkpoints.meta);
  const status = new RunStatusFile(dir, meta, elapsed);
  status.update({});
  run.status = status;
  const ctx: RunContext = {
    cfg,
    kernels: loaded.kernels,
    hostKernels: loaded.backend === 'native' ? 'native' : 'js',
    log,
    baseDir,
    security,
    elapsed,
    signal: options.signal,
    async record(line, evaluated) {
      dir.appendMetrics(line);
      log.debug(line, 'metrics line');
      dir.checkWrites();
      status.roundDone(line.round);
      run.telemetry({ kind: 'round', line, evaluated });
      await options.onRound?.(line, evaluated);
    },
    ...(options.onTelemetry ? { telemetry: run.telemetry } : {}),
    resume: checkpoints.resume,
    boundary: (round, capture) => checkpoints.boundary(round, capture),
  };
  const checked: { memory?: MemoryPlan } = {};
  const outcome: RunOutcome = await ALGORITHMS[cfg.algorithm.kind].run(ctx, {
    footprint(f) {
      checkPayloadLimit(f.params, cfg.runtime.kind);
      const memory = checkMemory(f, options.force === true);
      checked.memory = memory;
      if (memory.forced) log.warn(memory, 'memory pre-flight: the run may not fit, going ahead (forced)');
    },
    prepared(prep) {
      dir.writeJson('partition.json', prep.partitionSummary);
      status.update({ ...prep.meta, memory: checked.memory });
      checkpoints.planned(prep.rounds);
      options.onStart?.({ name: cfg.name, rounds: prep.rounds, out: dir.path });
      const { family } = ALGORITHMS[cfg.algorithm.kind];
      const plan = { name: cfg.name, rounds: prep.rounds, out: dir.path };
      run.telemetry({ kind: 'start', ...plan, family, algorithm: cfg.algorithm.kind, runtime: cfg.runtime.kind });
    },
  });
  dir.writeJson('links.json', outcome.links);
  const sha = dir.writeModel(outcome.model, outcome.layout);
  const summary: RunSummary = {
    name: cfg.name,
    test_accuracy: outcome.test.accuracy,
    test_loss: outcome.test.loss,
    rounds: outcome.rounds,
    bytes_up: outcome.bytes.up,
    bytes_down: outcome.bytes.down,
    epsilon: outcome.epsilon,
    wall_s: elapsed(),
    backend: loaded.backend,
    simd: loaded.simd ?? null,
    runtime: cfg.runtime.kind,
    model_sha256: sha,
    out: dir.path,
    ...outcome.summary,
    memory_estimate_mb: checked.memory?.estimate_mb ?? null,
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  dir.writeJson('summary.json', summary);
  status.end('completed', null);
  log.info(summary, 'run complete');
  return summary;
}

/** The folder of a config file: where its relative data paths resolve. */
export function configBaseDir(configFile: string): string {
  return dirname(resolve(configFile));
}
