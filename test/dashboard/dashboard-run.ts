import { type ChildProcess, spawn } from 'node:child_process';
import { get } from 'node:http';
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

/** The events of a dashboard's `/events` stream as a plain HTTP client reads them. */
export interface EventLog {
  readonly events: Record<string, unknown>[];
  /**
   * Resolves when the stream ended, or its connection closed without an end (the CLI died): a test then
   * fails on the exit code and stderr at once instead of waiting out its timeout.
   */
  readonly ended: Promise<void>;
}

/** Follows `url`'s `/events` (server-sent events) with node:http, parsing each `data:` line. */
export function followEvents(url: string): Promise<EventLog> {
  return new Promise((resolve, reject) => {
    const req = get(new URL('/events', url), (res) => {
      const events: Record<string, unknown>[] = [];
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        for (let at = buf.indexOf('\n\n'); at >= 0; at = buf.indexOf('\n\n')) {
          const data = /^data: (.*)$/m.exec(buf.slice(0, at));
          buf = buf.slice(at + 2);
          if (data) events.push(JSON.parse(data[1]));
        }
      });
      const ended = new Promise<void>((done) => {
        res.on('end', () => done());
        res.on('close', () => done());
      });
      resolve({ events, ended });
    });
    req.on('error', reject);
  });
}
