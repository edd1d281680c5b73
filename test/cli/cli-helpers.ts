import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(repo, 'packages/cli/bin/starling.js');

/** Runs the built `starling` command (killed after `timeoutMs`) and returns its exit code and output. */
export function starling(args: string[], env: Record<string, string> = {}, timeoutMs = 240_000) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: repo,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh temporary folder. */
export function tempDir(prefix = 'starling-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
