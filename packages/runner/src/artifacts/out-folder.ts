import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { errors } from '@starling/core';

function code(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : String(err);
}

function refuse(path: string, problem: string) {
  return errors.usage(`--out ${JSON.stringify(path)} ${problem}; choose another --out`);
}

/**
 * Makes the run folder `path` (absolute) or accepts it when it exists and is empty; returns whether this
 * call created it. Anything that cannot work is refused at once with a `usage` error (exit code 2)
 * naming `--out`: an empty path, a path under a regular file, a folder that cannot be created (e.g.
 * under `/proc`) or written (a probe file is created and removed), or a folder that holds files. Each
 * missing level is created on its own: Node's `mkdirSync(..., { recursive: true })` loops forever when
 * `mkdir` answers ENOENT under an existing parent, as it does in `/proc`.
 */
export function prepareOutFolder(path: string): boolean {
  if (path.trim() === '') throw refuse(path, 'is empty: name a folder');
  const missing: string[] = [];
  let at = path;
  while (!existsSync(at)) {
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  if (missing.length > 0 && !statSync(at).isDirectory()) {
    throw refuse(path, `cannot be created: ${at} is a file, not a folder`);
  }
  if (missing.length === 0) {
    if (!statSync(path).isDirectory()) throw refuse(path, 'is a file, not a folder');
    if (readdirSync(path).length > 0) throw refuse(path, 'exists and is not empty (a run never overwrites another)');
  }
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (err) {
      if (missing[0] !== level) rmSync(missing[0], { recursive: true, force: true });
      throw refuse(path, `cannot be created (${code(err)} at ${level})`);
    }
  }
  const probe = join(path, `.starling-write-test-${process.pid}`);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (err) {
    if (missing.length > 0) rmSync(missing[0], { recursive: true, force: true });
    throw refuse(path, `is not writable (${code(err)})`);
  }
  return missing.length > 0;
}
