import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { errors, StarlingError } from '@starling/core';
import type { Logger } from 'pino';
import { writeProblem } from '../artifacts/write-failure.js';
import type { ExperimentConfig } from '../config/schema.js';
import type { CheckpointValue } from './checkpoint-codec.js';
import { CheckpointStore, type LoadedCheckpoint } from './checkpoint-store.js';

/** SHA-256 (hex) of the resolved config as compact JSON: what a checkpoint is bound to. */
export function configSha256(cfg: ExperimentConfig): string {
  return createHash('sha256').update(JSON.stringify(cfg)).digest('hex');
}

/**
 * Thrown by `boundary` after the checkpoint an `interrupt()` asked for is written: the run stops
 * there and can be resumed (`starling resume <run>`). `round` and `checkpoint` (the
 * file) say where it stopped. `code` is `interrupted` (exit code 130).
 */
export class RunInterrupted extends StarlingError {
  constructor(
    readonly round: number,
    readonly checkpoint: string,
  ) {
    super('interrupted', `interrupted after round ${round}; checkpoint ${checkpoint} (continue with starling resume)`);
    this.name = 'RunInterrupted';
  }
}

/** Where a resumed run continues from, as the pipeline hands it to the driver (`RunContext.resume`). */
export interface ResumePoint {
  readonly round: number;
  readonly state: CheckpointValue;
}

/** What {@link Checkpointing} is built with. */
export interface CheckpointingOptions {
  readonly cfg: ExperimentConfig;
  /** The run folder (checkpoints go to `<runPath>/checkpoints`). */
  readonly runPath: string;
  /** The driver family that writes the state (`federated`, `gossip`). */
  readonly driver: string;
  readonly log: Logger;
  readonly meta: Readonly<Record<string, unknown>>;
  readonly from?: LoadedCheckpoint | null;
  readonly timeOffsetS?: number;
}

/**
 * The run pipeline's checkpoint policy (docs/checkpoints.md). Drivers call `boundary(round, capture)`
 * after every round; a checkpoint is written to `<run>/checkpoints/` after round r when
 * `(r + 1) % checkpoint.every === 0` and r is not the last planned round (a completed run has its model
 * and summary), or at the first boundary after `interrupt()`. A write error (ENOSPC, EIO) fails the run
 * with a `runtime` error; the earlier checkpoints stay intact (`CheckpointStore.write`). A capture that
 * fails (a gossip peer lost with its host) skips that checkpoint with a warning and the run goes on.
 */
export class Checkpointing {
  readonly store: CheckpointStore;
  private readonly sha: string;
  private rounds: number | null = null;
  private interruptRequested = false;
  /** The last checkpoint written by this process: round, bytes and milliseconds to capture and write. */
  lastWrite: { round: number; path: string; bytes: number; ms: number } | null = null;

  private readonly cfg: ExperimentConfig;
  private readonly driver: string;
  private readonly log: Logger;
  /** The checkpoint a resumed run continues from (null for a fresh run). */
  readonly from: LoadedCheckpoint | null;
  /** Seconds the run had already taken before this process (`time_s` continues from there). */
  readonly timeOffsetS: number;
  /** Fields the pipeline adds to meta.json (`base_dir`; on resume `started_at` and `resumed`). */
  readonly meta: Readonly<Record<string, unknown>>;

  constructor(opts: CheckpointingOptions) {
    this.cfg = opts.cfg;
    this.driver = opts.driver;
    this.log = opts.log;
    this.from = opts.from ?? null;
    this.timeOffsetS = opts.timeOffsetS ?? 0;
    this.meta = opts.meta;
    this.store = new CheckpointStore(join(opts.runPath, 'checkpoints'), opts.cfg.checkpoint.keep);
    this.sha = configSha256(opts.cfg);
  }

  /** What the driver restores (`RunContext.resume`). */
  get resume(): ResumePoint | null {
    return this.from && { round: this.from.body.round, state: this.from.body.state };
  }

  /** Tells the policy how many rounds the run plans (no checkpoint after the last one). */
  planned(rounds: number): void {
    this.rounds = rounds;
  }

  /**
   * Asks for a checkpoint at the next round boundary, after which `boundary` throws
   * {@link RunInterrupted} so the run stops. At the last round nothing is written and the run completes.
   * Call it from a signal handler: `boundary` yields to the event loop once per round, so the handler
   * runs even in an inline run that never waits on I/O.
   */
  interrupt(): void {
    this.interruptRequested = true;
  }

  /** Whether a checkpoint is due after `round`. */
  private due(round: number): boolean {
    if (this.rounds !== null && round + 1 >= this.rounds) return false;
    if (this.interruptRequested) return true;
    const every = this.cfg.checkpoint.every;
    return every > 0 && (round + 1) % every === 0;
  }

  /** `RunContext.boundary`: writes a checkpoint when one is due (see the class comment). */
  async boundary(round: number, capture: () => CheckpointValue | Promise<CheckpointValue>): Promise<void> {
    // A macrotask turn per round: lets a SIGINT/SIGTERM handler call `interrupt()` in time.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (!this.due(round)) return;
    const t0 = performance.now();
    let state: CheckpointValue;
    try {
      state = await capture();
    } catch (err) {
      // The run is sound, only its state cannot be captured now (a gossip peer lost with its host, a host
      // that did not send its nodes' state): the previous checkpoint stays the one to resume from.
      const why = err instanceof Error ? err.message : String(err);
      this.log.warn({ round, reason: why }, 'checkpoint skipped: the state could not be captured');
      if (this.interruptRequested) throw errors.interrupted(`after round ${round} (no checkpoint: ${why})`);
      return;
    }
    const body = { run: this.cfg.name, configSha256: this.sha, round, driver: this.driver, state };
    let path: string;
    try {
      path = this.store.write(body);
    } catch (err) {
      throw errors.runtime(
        `could not write the checkpoint of round ${round} in ${this.store.dir}: ${writeProblem(err)}; earlier checkpoints are intact`,
        err,
      );
    }
    const ms = performance.now() - t0;
    this.lastWrite = { round, path, bytes: statSync(path).size, ms };
    this.log.info(this.lastWrite, 'checkpoint written');
    if (this.interruptRequested) throw new RunInterrupted(round, path);
  }
}
