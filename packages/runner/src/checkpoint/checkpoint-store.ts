import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { type CheckpointBody, decodeCheckpoint, encodeCheckpoint } from './checkpoint-codec.js';

/** A checkpoint found on disk: where, which round, and what it holds. */
export interface LoadedCheckpoint {
  readonly path: string;
  readonly body: CheckpointBody;
  /** Newer checkpoint files that were skipped because they failed verification, with the reason. */
  readonly skipped: readonly { readonly path: string; readonly reason: string }[];
}

const NAME = /^round-(\d{6,})\.ckpt$/;

/** `round-000066.ckpt`: the file name of the checkpoint taken after round `round`. */
export function checkpointName(round: number): string {
  return `round-${String(round).padStart(6, '0')}.ckpt`;
}

/**
 * The `checkpoints/` folder of a run. Each checkpoint is one file written atomically: the bytes go to a
 * temporary file that is fsynced, renamed over the final name, and the folder is fsynced, so a crash at
 * any moment leaves either the old set of checkpoints or the new one, never a half-written file under a
 * final name. The file carries a SHA-256 of its content, so a file damaged afterwards (truncated, disk
 * error) is detected on load and the previous checkpoint is used. After each write only the newest
 * `keep` checkpoints remain.
 */
export class CheckpointStore {
  constructor(
    readonly dir: string,
    private readonly keep = 2,
  ) {}

  /**
   * Writes the checkpoint of round `body.round` and prunes older ones. Returns its path. A write error
   * (ENOSPC, EIO) is thrown after the temporary file is removed; earlier checkpoints are untouched.
   */
  write(body: CheckpointBody): string {
    mkdirSync(this.dir, { recursive: true });
    const name = checkpointName(body.round);
    const final = join(this.dir, name);
    const tmp = join(this.dir, `.${name}.tmp`);
    const fd = openSync(tmp, 'w');
    try {
      for (const part of encodeCheckpoint(body)) {
        for (let off = 0; off < part.length; ) off += writeSync(fd, part, off, part.length - off);
      }
      fsyncSync(fd);
    } catch (err) {
      closeSync(fd);
      rmSync(tmp, { force: true });
      throw err;
    }
    closeSync(fd);
    renameSync(tmp, final);
    syncDir(this.dir);
    this.prune();
    return final;
  }

  /** Rounds of the checkpoint files present, newest first (unverified). */
  rounds(): number[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    return names
      .map((n) => NAME.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => b - a);
  }

  /**
   * The newest checkpoint that verifies, or null when there is none. Files that fail verification are
   * reported in `skipped` (and left on disk for inspection).
   */
  latest(): LoadedCheckpoint | null {
    const skipped: { path: string; reason: string }[] = [];
    for (const round of this.rounds()) {
      const path = join(this.dir, checkpointName(round));
      try {
        const body = decodeCheckpoint(readFileSync(path), path);
        if (body.round !== round) throw new Error(`holds round ${body.round}, named for round ${round}`);
        return { path, body, skipped };
      } catch (err) {
        skipped.push({ path, reason: err instanceof Error ? err.message : String(err) });
      }
    }
    return null;
  }

  private prune(): void {
    for (const round of this.rounds().slice(this.keep)) rmSync(join(this.dir, checkpointName(round)), { force: true });
  }
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
