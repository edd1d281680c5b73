import { formatIssues, StarlingError } from '@starling/core';
import type { z } from 'zod';
import { type ExperimentConfig, experimentSchema } from './schema.js';

/** A command-line flag that set a config path: `--set algorithm.rounds=3` sets `algorithm.rounds`. */
export interface ConfigFlag {
  /** The flag as typed, e.g. `--set algorithm.rounds=3` or `--seed 7`. */
  readonly flag: string;
  readonly path: readonly string[];
}

/** The flags of `--set` assignments and `--seed`. */
export function configFlags(overrides: readonly string[], seed?: number): ConfigFlag[] {
  const flags = overrides.map((o) => ({
    flag: `--set ${o}`,
    path: o.slice(0, Math.max(0, o.indexOf('='))).split('.'),
  }));
  return seed === undefined ? flags : [...flags, { flag: `--seed ${seed}`, path: ['seed'] }];
}

const startsWith = (path: readonly PropertyKey[], prefix: readonly string[]) =>
  prefix.length <= path.length && prefix.every((p, i) => String(path[i]) === p);

function objectAt(root: unknown, path: readonly PropertyKey[]): Record<string, unknown> | null {
  let node = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return null;
    node = (node as Record<string, unknown>)[String(key)];
  }
  return typeof node === 'object' && node !== null && !Array.isArray(node) ? (node as Record<string, unknown>) : null;
}

/**
 * `--set runtime.kind=inline` on `runtime: {kind: processes, workers: 16}` switches the kind and keeps
 * what the new kind accepts: the keys the new kind refuses (`workers`) are dropped, so a kind switch
 * merges instead of failing. Only objects whose `kind` a flag set are touched. Returns whether any key
 * was dropped.
 */
function dropRefusedKeys(raw: unknown, issues: readonly z.core.$ZodIssue[], flags: readonly ConfigFlag[]): boolean {
  let dropped = false;
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const switched = flags.some(
      (f) =>
        f.path.length === issue.path.length + 1 &&
        f.path.at(-1) === 'kind' &&
        startsWith(issue.path, f.path.slice(0, -1)),
    );
    const obj = switched ? objectAt(raw, issue.path) : null;
    if (!obj) continue;
    for (const key of issue.keys) {
      delete obj[key];
      dropped = true;
    }
  }
  return dropped;
}

/**
 * Validates a config read from `file` and changed by command-line `flags`. A kind switched by a flag
 * keeps only the keys the new kind accepts (see {@link dropRefusedKeys}). A problem under a path a flag
 * set is blamed on that flag (`--set algorithm.rounds=abc: algorithm.rounds must be a number, got
 * "abc"`), the others on the file. Throws one `config` StarlingError (exit code 2) listing every problem.
 */
export function validateWithFlags(raw: unknown, file: string, flags: readonly ConfigFlag[]): ExperimentConfig {
  for (let attempt = 0; ; attempt++) {
    const result = experimentSchema.safeParse(raw, { reportInput: true });
    if (result.success) return result.data;
    const issues = result.error.issues;
    if (attempt < 3 && dropRefusedKeys(raw, issues, flags)) continue;
    const lines = formatIssues(issues).map((line, i) => {
      const issue = issues[i];
      const named = (f: ConfigFlag) =>
        startsWith(issue.path, f.path) ||
        (issue.code === 'unrecognized_keys' &&
          f.path.length === issue.path.length + 1 &&
          startsWith(f.path, issue.path.map(String)) &&
          issue.keys.includes(f.path[f.path.length - 1]));
      const flag = [...flags].reverse().find(named);
      return flag ? `${flag.flag}: ${line}` : line;
    });
    const source = lines.every((l) => l.startsWith('--'))
      ? 'command-line flags'
      : `${file}${flags.length ? ' (with its flags)' : ''}`;
    throw new StarlingError('config', `invalid ${source}:\n  ${lines.join('\n  ')}`, { path: lines[0] });
  }
}
