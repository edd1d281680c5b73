import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errors, type Layout } from '@starling/core';
import type { MetricsLine } from './metrics-line.js';

/**
 * The folder a run writes: config.resolved.json, meta.json, metrics.jsonl, summary.json, model.bin +
 * model.layout.json, partition.json and run.log. Files are written as soon as they are known, so an
 * interrupted run keeps everything up to its last round.
 */
export class RunDir {
  readonly path: string;
  /** Whether this run made the folder (rather than finding it empty). */
  private readonly created: boolean;

  /**
   * @param mode `new` (default): the folder must be absent or empty; `existing`: a run folder to
   * continue (`resumeExperiment`), which must exist
   */
  constructor(path: string, mode: 'new' | 'existing' = 'new') {
    const exists = existsSync(path);
    if (mode === 'existing' && !exists) throw errors.usage(`run folder ${path} does not exist`);
    if (mode === 'new' && exists && readdirSync(path).length > 0) {
      // A run never overwrites another run's results.
      throw errors.usage(`output folder ${path} exists and is not empty; choose another --out`);
    }
    mkdirSync(path, { recursive: true });
    this.path = path;
    this.created = !exists;
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

  writeJson(name: string, value: unknown): void {
    writeFileSync(this.file(name), `${JSON.stringify(value, null, 2)}\n`);
  }

  appendMetrics(line: MetricsLine): void {
    appendFileSync(this.file('metrics.jsonl'), `${JSON.stringify(line)}\n`);
  }

  /** Writes the model as little-endian float32 (`model.bin`) with its layout; returns the SHA-256 of model.bin. */
  writeModel(params: Float32Array, layout: Layout): string {
    const bytes = Buffer.from(params.buffer, params.byteOffset, params.byteLength);
    writeFileSync(this.file('model.bin'), bytes);
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
