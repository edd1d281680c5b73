import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { errors } from '@starling/core';
import { type ExperimentConfig, type RunSummary, validateConfig } from '@starling/runner';

/** What `starling repro verify` needs of a completed run folder (docs/run-folder.md). */
export interface FinishedRun {
  /** The run folder, absolute. */
  readonly path: string;
  /** `config.resolved.json`, validated (every default filled in, as the run saw it). */
  readonly cfg: ExperimentConfig;
  /** `meta.json` as written by the run (seed, backend, simd, runtime, base_dir, status, ...). */
  readonly meta: Readonly<Record<string, unknown>>;
  /** `summary.json`; `model_sha256` is the hash the run recorded for its model. */
  readonly summary: RunSummary;
  /** SHA-256 (hex) of the `model.bin` in the folder now: differs from the summary's if either was altered. */
  readonly modelFileSha256: string;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw errors.data(file, 'cannot be read as JSON', err);
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/**
 * Reads a completed run folder: `config.resolved.json`, `meta.json` (status `completed`), `summary.json`
 * (with a 64-hex `model_sha256`) and `model.bin` (hashed as it is now). Every refusal is exit code 2:
 * a `usage` StarlingError for a folder that is not a run (no config.resolved.json) or a run that did not
 * complete (status not `completed`, no summary.json or model.bin); a `data` error for a file that is not
 * JSON; a `config` error for a config that no longer validates. Same readers as `starling resume`
 * (`validateConfig` over config.resolved.json, meta.json for the recorded backend and base_dir).
 */
export function readFinishedRun(runDir: string): FinishedRun {
  const path = resolve(runDir);
  if (!existsSync(path) || !statSync(path).isDirectory()) throw errors.usage(`${path} is not a folder`);
  const configFile = join(path, 'config.resolved.json');
  if (!existsSync(configFile)) throw errors.usage(`${path} is not a run folder (no config.resolved.json)`);
  const metaFile = join(path, 'meta.json');
  if (!existsSync(metaFile)) throw errors.usage(`${path} is not a run folder (no meta.json)`);
  const meta = readJson(metaFile);
  if (!isRecord(meta)) throw errors.data(metaFile, 'is not a JSON object');
  if (meta.status !== 'completed') {
    const why = typeof meta.reason === 'string' ? ` (${meta.reason})` : '';
    throw errors.usage(`${path} is not a completed run: meta.json says status ${String(meta.status)}${why}`);
  }
  const cfg = validateConfig(readJson(configFile), configFile);
  const summaryFile = join(path, 'summary.json');
  if (!existsSync(summaryFile)) throw errors.usage(`${path} is not a completed run (no summary.json)`);
  const summary = readJson(summaryFile);
  if (!isRecord(summary) || typeof summary.model_sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(summary.model_sha256)) {
    throw errors.data(summaryFile, 'has no model_sha256 (64 hex digits)');
  }
  const modelFile = join(path, 'model.bin');
  if (!existsSync(modelFile)) throw errors.usage(`${path} is not a completed run (no model.bin)`);
  return { path, cfg, meta, summary: summary as RunSummary, modelFileSha256: sha256File(modelFile) };
}
