import { readFileSync } from 'node:fs';
import { errors, StarlingError } from '@starling/core';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { formatIssues } from './format-issues.js';
import { configFlags, validateWithFlags } from './overrides.js';
import { type ExperimentConfig, experimentSchema } from './schema.js';

/** Reads a YAML (`.yaml`, `.yml`) or JSON file into plain data; malformed files are config errors. */
export function readConfigFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new StarlingError(
      'usage',
      `cannot read config ${file}: ${code === 'ENOENT' ? 'no such file' : String(cause)}`,
    );
  }
  try {
    return file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { uniqueKeys: true, maxAliasCount: 100 });
  } catch (cause) {
    const where =
      cause instanceof YAMLParseError && cause.linePos
        ? ` at line ${cause.linePos[0].line}, column ${cause.linePos[0].col}`
        : '';
    const first = String((cause as Error).message).split('\n')[0];
    throw new StarlingError(
      'config',
      `${file}: malformed ${file.endsWith('.json') ? 'JSON' : 'YAML'}${where}: ${first}`,
    );
  }
}

/**
 * Applies one `--set path=value` override. The path is dotted (`algorithm.rounds`, `model.hidden.0`);
 * the value is parsed as a YAML scalar or flow collection (`3`, `0.1`, `true`, `[200, 200]`, `{kind: iid}`).
 */
export function applyOverride(config: unknown, assignment: string): unknown {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw errors.usage(`--set expects path=value, got "${assignment}"`);
  const path = assignment.slice(0, eq).split('.');
  if (path.some((p) => p === '' || p === '__proto__' || p === 'constructor' || p === 'prototype')) {
    throw errors.usage(`--set has an invalid path "${assignment.slice(0, eq)}"`);
  }
  let value: unknown;
  try {
    value = parseYaml(assignment.slice(eq + 1));
  } catch {
    throw errors.usage(`--set ${assignment.slice(0, eq)}: cannot parse value "${assignment.slice(eq + 1)}"`);
  }
  const root = (typeof config === 'object' && config !== null ? config : {}) as Record<string, unknown>;
  let node: Record<string, unknown> = root;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
  return root;
}

/** Validates plain data as an experiment; every problem is listed in one config error. */
export function validateConfig(raw: unknown, source = 'config'): ExperimentConfig {
  const result = experimentSchema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  const lines = formatIssues(result.error.issues);
  throw new StarlingError('config', `invalid ${source}:\n  ${lines.join('\n  ')}`, { path: lines[0] });
}

/**
 * Reads, overrides and validates an experiment file: a `--set` that switches a `kind` keeps the keys the
 * new kind accepts, and problems under a path a flag set are blamed on the flag (see overrides.ts).
 */
export function loadConfig(file: string, overrides: readonly string[] = [], seed?: number): ExperimentConfig {
  let raw = readConfigFile(file);
  if (raw !== null && typeof raw === 'object' && 'sweep' in raw) {
    throw new StarlingError('usage', `${file} is a sweep file (top-level sweep:): run it with starling sweep ${file}`);
  }
  for (const o of overrides) raw = applyOverride(raw, o);
  if (seed !== undefined) raw = applyOverride(raw, `seed=${seed}`);
  return validateWithFlags(raw, file, configFlags(overrides, seed));
}
