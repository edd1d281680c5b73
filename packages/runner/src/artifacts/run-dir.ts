import { createHash } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  existsSync,
  ftruncateSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { errors, type Layout } from '@starling/core';
import pino, { type Logger } from 'pino';
import type { MetricsLine } from './metrics-line.js';
import { prepareOutFolder } from './out-folder.js';
import { writeFailure } from './write-failure.js';

/**
 * The folder a run writes: config.resolved.json, meta.json, metrics.jsonl, summary.json, model.bin +
 * model.layout.json, partition.json and run.log (docs/run-folder.md). Files are written as soon as they
 * are known, so an interrupted run keeps everything up to its last round. JSON files are replaced
 * atomically (a temp file renamed over the old one). Every write that fails throws a `runtime`
 * StarlingError naming the file (`disk full (ENOSPC)` on a full disk).
 */
export class RunDir {
  readonly path: string;
  /** Whether this run made the folder (rather than finding it empty). */
  private readonly created: boolean;
  /** The first failed write of the run log (the log cannot throw; the next record does). */
  private logFailure: Error | null = null;

  /**
   * Creates or accepts `path` (absolute); see {@link prepareOutFolder} for what is refused.
   * @param mode `new` (default): a folder for a new run, absent or empty; `existing`: a run folder to
   * continue (`resumeExperiment`), which must exist
   */
  constructor(path: string, mode: 'new' | 'existing' = 'new') {
    if (mode === 'existing') {
      if (!existsSync(path)) throw errors.usage(`run folder ${path} does not exist`);
      this.created = false;
    } else this.created = prepareOutFolder(path);
    this.path = path;
  }

  /**
   * Removes what this run wrote, for a run refused before training (bad config, over budget, over
   * memory): the folder itself when the run made it, else the files in it.
   */
  discard(): void {
    if (this.created) rmSync(this.path, { recursive: true, force: true });
    else for (const name of readdirSync(this.path)) rmSync(join(this.path, name), { recursive: true, force: true });
  }

  file(name: string): string {
    return join(this.path, name);
  }

  /**
   * A pino logger writing `run.log` synchronously. A failed log write does not crash the run; it is
   * raised by the next {@link RunDir.checkWrites} (every metrics line).
   */
  logger(level: pino.LevelWithSilent, name: string): Logger {
    const dest = pino.destination({ dest: this.file('run.log'), sync: true });
    dest.on('error', (err: Error) => {
      this.logFailure ??= err;
    });
    return pino({ level, base: { run: name } }, dest);
  }

  /** Throws the first failed write of `run.log`, if any. */
  checkWrites(): void {
    if (this.logFailure) throw writeFailure(this.file('run.log'), this.logFailure);
  }

  /** Writes `name` as JSON through a temp file renamed over it, so a reader never sees half a file. */
  writeJson(name: string, value: unknown): void {
    const file = this.file(name);
    const temp = this.file(`.${name}.tmp`);
    try {
      writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`);
      renameSync(temp, file);
    } catch (err) {
      if (existsSync(temp)) rmSync(temp, { force: true });
      throw writeFailure(file, err);
    }
  }

  /**
   * Writes `name` as JSON over the blocks the file already has (no temp file), for the last word of a
   * run on a full disk, where {@link RunDir.writeJson}'s temp file finds no room: a file no longer than
   * the blocks it already holds needs none. A reader may see half a file while this runs; use it only
   * when the atomic write failed.
   */
  overwriteJson(name: string, value: unknown): void {
    const file = this.file(name);
    const bytes = Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
    let fd: number | null = null;
    try {
      fd = openSync(file, 'r+');
      writeSync(fd, bytes, 0, bytes.length, 0);
      ftruncateSync(fd, bytes.length);
    } catch (err) {
      throw writeFailure(file, err);
    } finally {
      if (fd !== null) closeSync(fd);
    }
  }

  appendMetrics(line: MetricsLine): void {
    const file = this.file('metrics.jsonl');
    try {
      appendFileSync(file, `${JSON.stringify(line)}\n`);
    } catch (err) {
      throw writeFailure(file, err);
    }
  }

  /** Writes the model as little-endian float32 (`model.bin`) with its layout; returns the SHA-256 of model.bin. */
  writeModel(params: Float32Array, layout: Layout): string {
    const bytes = Buffer.from(params.buffer, params.byteOffset, params.byteLength);
    const file = this.file('model.bin');
    try {
      writeFileSync(file, bytes);
    } catch (err) {
      rmSync(file, { force: true }); // half a model must not pass for a model
      throw writeFailure(file, err);
    }
    this.writeJson('model.layout.json', { dtype: 'f32', byteOrder: 'little', ...layout });
    return createHash('sha256').update(bytes).digest('hex');
  }
}

/** `runs/<name>-<yyyymmdd-hhmmss>` under `root` (`runs/<name>` without a time), with a numeric suffix if taken. */
export function defaultRunPath(root: string, name: string, now: Date | null): string {
  const stem = now === null ? name : `${name}-${now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`;
  let path = join(root, stem);
  for (let i = 2; existsSync(path); i++) path = join(root, `${stem}-${i}`);
  return path;
}
