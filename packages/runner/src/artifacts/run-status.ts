import type { RunDir } from './run-dir.js';

/** Where a run stands, as `meta.json` records it (docs/run-folder.md). */
export type RunStatus = 'running' | 'completed' | 'interrupted' | 'failed';

/** The status fields of `meta.json`. */
export interface RunStatusFields {
  readonly status: RunStatus;
  /** Why the run stopped (`interrupted`, `failed`): the signal and where, or the error message; null otherwise. */
  readonly reason: string | null;
  /** The last round whose metrics line was written; −1 before round 0 completed. */
  readonly last_completed_round: number;
}

/** How often `meta.json` is rewritten while rounds complete (seconds of wall time); the end always is. */
export const STATUS_INTERVAL_S = 1;

/**
 * Keeps `meta.json` and the run's status in it: `running` (with `last_completed_round`) from the first
 * write, then exactly one of `completed`, `interrupted` (with the signal) or `failed` (with the error
 * message) at the end. Each write replaces the whole file atomically (`RunDir.writeJson`). While rounds
 * complete, `meta.json` is rewritten at most once per {@link STATUS_INTERVAL_S} second, so
 * `last_completed_round` there may trail `metrics.jsonl` by up to a second of rounds while the run is
 * going, never at its end.
 */
export class RunStatusFile {
  private meta: Record<string, unknown>;
  private fields: RunStatusFields = { status: 'running', reason: null, last_completed_round: -1 };
  private writtenAt = Number.NEGATIVE_INFINITY;

  /** @param now wall seconds since the run started (the pipeline's clock; library code reads none) */
  constructor(
    private readonly dir: RunDir,
    meta: Record<string, unknown>,
    private readonly now: () => number,
  ) {
    this.meta = meta;
  }

  /** The status as last set (written or not). */
  get current(): RunStatusFields {
    return this.fields;
  }

  /** Adds fields to meta.json and writes it now. */
  update(extra: Record<string, unknown>): void {
    this.meta = { ...this.meta, ...extra };
    this.write();
  }

  /** Round `round` was recorded; writes meta.json if the last write is a second old. */
  roundDone(round: number): void {
    this.fields = { ...this.fields, last_completed_round: round };
    if (this.now() - this.writtenAt >= STATUS_INTERVAL_S) this.write();
  }

  /**
   * The run's final status; written at once. When the atomic write fails (a full disk has no room for
   * its temp file), meta.json is overwritten in place, so a run stopped by a full disk does not stay
   * `running`; if that fails too, the atomic write's error is thrown.
   */
  end(status: Exclude<RunStatus, 'running'>, reason: string | null): void {
    this.fields = { ...this.fields, status, reason };
    try {
      this.write();
    } catch (err) {
      try {
        this.dir.overwriteJson('meta.json', { ...this.meta, ...this.fields });
      } catch {
        throw err;
      }
    }
  }

  private write(): void {
    this.dir.writeJson('meta.json', { ...this.meta, ...this.fields });
    this.writtenAt = this.now();
  }
}
