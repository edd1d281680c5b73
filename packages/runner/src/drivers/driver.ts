import type { Kernels, Layout } from '@starling/core';
import type { RouterSecurity } from '@starling/transport';
import type { Logger } from 'pino';
import type { TelemetrySink } from '../api/telemetry-event.js';
import type { MetricsLine } from '../artifacts/metrics-line.js';
import type { CheckpointValue } from '../checkpoint/checkpoint-codec.js';
import type { ExperimentConfig } from '../config/schema.js';
import type { RunFootprint } from '../preflight/footprint.js';

/** What the run pipeline hands every driver: the config, the kernels, where to log and record. */
export interface RunContext {
  readonly cfg: ExperimentConfig;
  readonly kernels: Kernels;
  /** The backend the hosts are asked to load (`native` when this process loaded native kernels). */
  readonly hostKernels: 'native' | 'js';
  readonly log: Logger;
  /** Folder that relative data paths resolve against (the config file's folder for the CLI). */
  readonly baseDir: string;
  /**
   * CURVE on the listener of a cluster run (`runtime.security`, loaded and checked before round 0), or
   * null: plaintext (every other runtime, or a cluster on loopback or with `runtime.insecure`).
   */
  readonly security?: RouterSecurity | null;
  /** Wall seconds since the run started (the `time_s` of metrics lines). */
  elapsed(): number;
  /**
   * Aborted when the run must stop (SIGINT/SIGTERM at the CLI). A driver hands it to its runtime, which
   * stops at the next round boundary (inline) or at once (socket runtimes: hosts are told `bye`) and
   * rejects with a StarlingError of code `interrupted`.
   */
  readonly signal?: AbortSignal;
  /**
   * Writes one `metrics.jsonl` line and hands it to the caller's `onRound`. `evaluated` says whether
   * the line carries a fresh evaluation of the model (progress displays update on those).
   */
  record(line: MetricsLine, evaluated: boolean): Promise<void>;
  /**
   * Reports a telemetry event (hosts, peers, stragglers, links; `record` reports the round lines
   * itself). Never throws. Absent when the caller asked for none: drivers then make no events at all.
   * It must never change a run.
   */
  readonly telemetry?: TelemetrySink;
  /**
   * The checkpoint this run continues from (`starling resume`), or null for a fresh run. A driver
   * restores `state` (what its own `capture` returned) after `prepare` and runs rounds `round + 1` on.
   */
  readonly resume: { readonly round: number; readonly state: CheckpointValue } | null;
  /**
   * Called by the driver at every round boundary (after round `round` is recorded, before the next
   * round starts) with a function that captures the driver's whole state at that boundary: model,
   * optimizer and ledger state, every RNG position, node-held state. The pipeline calls `capture` only
   * when a checkpoint is due (docs/checkpoints.md) and writes it; awaited, so the run does not move on
   * while the state is captured.
   */
  boundary(round: number, capture: () => CheckpointValue | Promise<CheckpointValue>): Promise<void>;
}

/** What a driver's `footprint` reads: the config, the backend the hosts load and where data paths resolve. */
export type FootprintContext = Pick<RunContext, 'cfg' | 'hostKernels' | 'baseDir'>;

/** What `prepare` resolved before round 0: the plan, and the records written before training. */
export interface PreparedRun {
  /** Rounds planned (`algorithm.rounds`). */
  readonly rounds: number;
  /** The content of `partition.json`. */
  readonly partitionSummary: unknown;
  /** Fields added to `meta.json` (e.g. the privacy plan), or null. */
  readonly meta: Record<string, unknown> | null;
}

/** What a driver reports when its rounds are done: the final model and the driver's summary fields. */
export interface RunOutcome {
  readonly rounds: number;
  /** The final model (for gossip runs the peers' average x̄), length `layout.size`. */
  readonly model: Float32Array;
  readonly layout: Layout;
  /** The content of `links.json`. */
  readonly links: unknown;
  readonly test: { readonly loss: number | null; readonly accuracy: number | null };
  /** Bytes up and down over the run (see each driver for what they count). */
  readonly bytes: { readonly up: number; readonly down: number };
  /** ε spent at the end (null without privacy). */
  readonly epsilon: number | null;
  /** Fields appended to the common summary fields, in the order given. */
  readonly summary: Readonly<Record<string, unknown>>;
}

/**
 * One algorithm family's run: `footprint` projects its memory before anything is allocated; `prepare` loads data, partitions, plans privacy and compression and
 * refuses a config that cannot run (before any round); `execute` runs every round in the configured
 * runtime and records a metrics line per round; `summarize` turns what execution left into the outcome
 * (final model, links, summary fields). The pipeline (`runExperiment`) owns the run folder: drivers
 * never write files.
 */
export interface RunDriver<P extends PreparedRun, R> {
  /**
   * What the run will hold in memory, from the config and the loaded data set only (before any
   * model-sized allocation), for the pre-flight check.
   */
  footprint(ctx: FootprintContext): RunFootprint;
  prepare(ctx: RunContext): P;
  execute(prep: P, ctx: RunContext): Promise<R>;
  summarize(prep: P, report: R, ctx: RunContext): RunOutcome;
}
