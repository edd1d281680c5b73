import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import { errors } from '@starling/core';

/** One `metrics.jsonl` line: the fields a run wrote for a round (docs/config.md lists them). */
export type MetricsLine = Readonly<Record<string, unknown>>;

/** A JSON object read from a run folder. */
export type JsonObject = Readonly<Record<string, unknown>>;

/**
 * A run folder as the report reads it (docs/run-folder.md). Files a run writes only when it completes
 * (`summary.json`, `links.json`) and files a refused or early-stopped run may lack are null when absent;
 * `metrics.jsonl` is required (it may be empty for a run stopped before round 0 closed).
 */
export interface RunData {
  /** The folder's name (made unique among the runs of one report by {@link nameRuns}). */
  readonly name: string;
  /** The folder, as given. */
  readonly dir: string;
  /** meta.json (status, seed, kernels, ...), or null when absent. */
  readonly meta: JsonObject | null;
  /** summary.json (completed runs), or null. */
  readonly summary: JsonObject | null;
  /** config.resolved.json, or null. */
  readonly config: JsonObject | null;
  /** partition.json (examples per client and label), or null. */
  readonly partition: JsonObject | null;
  /** links.json (bytes per host or link; completed runs), or null. */
  readonly links: JsonObject | null;
  /** Every `metrics.jsonl` line in file order (one per round). */
  readonly metrics: readonly MetricsLine[];
  /** The 1-based number of a torn last line left out (see {@link tornLastLine}), or null. */
  readonly tornLine: number | null;
}

/**
 * A run killed while appending leaves a last line without its newline that may not parse: its 1-based
 * number when that is so, else null. Every complete line (ending in a newline) must parse.
 */
export function tornLastLine(text: string): number | null {
  const cut = text.lastIndexOf('\n');
  const tail = text.slice(cut + 1).trim();
  if (tail === '') return null;
  try {
    JSON.parse(tail);
    return null;
  } catch {
    return text.slice(0, cut + 1).split('\n').length;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads an optional JSON object file; a present but malformed one is a usage error naming it. */
function readJsonObject(file: string): JsonObject | null {
  if (!existsSync(file)) return null;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw errors.usage(`${file}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!isObject(value)) throw errors.usage(`${file}: expected a JSON object`);
  return value;
}

/**
 * Parses `metrics.jsonl`: one JSON object per non-empty line. A malformed line is a usage error naming
 * the file and its 1-based line number. (`loadRun` leaves out a torn last line first, and says so in the
 * run's header: see {@link tornLastLine}.)
 */
export function parseMetrics(file: string, text: string): MetricsLine[] {
  const lines: MetricsLine[] = [];
  const rows = text.split('\n');
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i].trim();
    if (row === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(row);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw errors.usage(`${file}:${i + 1}: malformed metrics line (${why})`);
    }
    if (!isObject(value)) throw errors.usage(`${file}:${i + 1}: a metrics line must be a JSON object`);
    lines.push(value);
  }
  return lines;
}

/**
 * Loads one run folder. Refuses (usage error, exit code 2) a folder that does not exist, is not a folder,
 * or has no `metrics.jsonl`, and any malformed JSON file in it, naming the file (and line).
 */
export function loadRun(dir: string): RunData {
  if (!existsSync(dir)) throw errors.usage(`run folder ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw errors.usage(`${dir} is not a run folder (not a directory)`);
  const metricsFile = join(dir, 'metrics.jsonl');
  if (!existsSync(metricsFile)) throw errors.usage(`${metricsFile} not found: ${dir} is not a run folder`);
  const text = readFileSync(metricsFile, 'utf8');
  const tornLine = tornLastLine(text);
  const whole = tornLine === null ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  return {
    name: basename(resolve(dir)),
    dir,
    meta: readJsonObject(join(dir, 'meta.json')),
    summary: readJsonObject(join(dir, 'summary.json')),
    config: readJsonObject(join(dir, 'config.resolved.json')),
    partition: readJsonObject(join(dir, 'partition.json')),
    links: readJsonObject(join(dir, 'links.json')),
    metrics: parseMetrics(metricsFile, whole),
    tornLine,
  };
}

/**
 * Names runs by their folder names; where two folders share a name (a sweep's `<cell>/seed-1`), each
 * takes as many trailing path parts as it needs to be unique (`lr=0.1/seed-1`); a folder given twice
 * is numbered (`run (2)`).
 */
export function nameRuns(runs: readonly RunData[]): RunData[] {
  const parts = runs.map((r) =>
    resolve(r.dir)
      .split(sep)
      .filter((p) => p !== ''),
  );
  const names = parts.map((p) => p[p.length - 1] ?? '/');
  const paths = parts.map((p) => p.join('/'));
  for (let depth = 2; depth <= 8; depth++) {
    const folders = new Map<string, Set<string>>(); // name -> the distinct folders that have it
    names.forEach((n, i) => {
      folders.set(n, (folders.get(n) ?? new Set()).add(paths[i]));
    });
    if ([...folders.values()].every((f) => f.size === 1)) break;
    names.forEach((n, i) => {
      if ((folders.get(n)?.size ?? 0) > 1) names[i] = parts[i].slice(-depth).join('/');
    });
  }
  // the same folder given twice: number the repeats, so that legends stay apart
  const count = new Map<string, number>();
  return runs.map((r, i) => {
    const k = (count.get(names[i]) ?? 0) + 1;
    count.set(names[i], k);
    return { ...r, name: k === 1 ? names[i] : `${names[i]} (${k})` };
  });
}
