import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(repo, 'packages/cli/bin/starling.js');

/** A `starling run ... --dashboard 0` child process, its dashboard URL and how it ended. */
export interface DashboardRun {
  readonly child: ChildProcess;
  /** The URL the CLI printed on stderr (`dashboard: http://127.0.0.1:PORT/`). */
  readonly url: string;
  /** Exit code and output once the process ended. */
  readonly exit: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/**
 * Spawns the built CLI with `args` (a real run in a child process: running `runExperiment` with
 * threads inside a vitest fork was seen to hang) and resolves once it printed its dashboard URL.
 */
export function startRun(args: readonly string[]): Promise<DashboardRun> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (b: Buffer) => {
    stdout += b.toString();
  });
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (b: Buffer) => {
      stderr += b.toString();
      const m = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr);
      if (m) resolve({ child, url: m[1], exit });
    });
    void exit.then((r) =>
      reject(new Error(`starling exited (${r.code}) before printing its dashboard URL:\n${r.stderr}`)),
    );
  });
}
