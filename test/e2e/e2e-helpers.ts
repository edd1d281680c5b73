import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repo } from '../cli/cli-helpers.js';

const bin = join(repo, 'packages/cli/bin/starling.js');

/** Starts `starling <args>` in the background, collecting its output. */
export function startStarling(args: string[]): {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, [bin, ...args], { cwd: repo, env: { ...process.env, STARLING_KERNELS: 'js' } });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exit };
}

/** Waits until `check` is true, polling every 50 ms, or throws after `ms`. */
export async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = performance.now() + ms;
  while (!check()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The metrics lines a run has written so far. */
export function metrics(dir: string): Record<string, unknown>[] {
  const file = join(dir, 'metrics.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/** A free-ish TCP port for a test, spread by worker id to avoid collisions between files. */
export function testPort(offset: number): number {
  return 17000 + (Number(process.env.VITEST_POOL_ID ?? 0) % 8) * 100 + offset;
}

/** A small FedAvg run on the bundled digits: 10 clients, fast enough for a test. */
export const smallFedAvg = [
  'experiments/fedavg-mnist-iid.yaml',
  '--set',
  'algorithm.clients=10',
  '--set',
  'algorithm.fraction=1',
  '--set',
  'model.hidden=[32]',
  '--set',
  'data.limit=3000',
];

/**
 * `compression-fedavg.yaml` made small (1,000 digits, one hidden layer of 32) with error-feedback top-k
 * uplinks, over 2 worker processes, for `rounds` rounds: the shape whose host-held state (EF memory) and
 * payload updates (outside the round's shared slot) the processes tests exercise.
 */
export const efTopkOverProcesses = (rounds: number) => [
  'experiments/compression-fedavg.yaml',
  '--set',
  `algorithm.rounds=${rounds}`,
  '--set',
  'data.limit=1000',
  '--set',
  'model.hidden=[32]',
  '--set',
  'compression.up={kind: topk, ratio: 0.05, errorFeedback: true}',
  '--set',
  'runtime={kind: processes, workers: 2}',
];

/**
 * `starling server` on a test port with the small FedAvg run plus `set` overrides, waiting for one
 * `starling worker` per host id, and those workers (one training thread each).
 */
export async function startCluster(
  portOffset: number,
  hostIds: readonly string[],
  set: readonly string[],
  out: string,
) {
  const address = `tcp://127.0.0.1:${testPort(portOffset)}`;
  const overrides = set.flatMap((s) => ['--set', s]);
  const server = startStarling([
    'server',
    ...smallFedAvg,
    ...overrides,
    '--bind',
    address,
    '--hosts',
    String(hostIds.length),
    '--out',
    out,
    '--json',
  ]);
  await waitFor(() => server.err().includes('listening on'), 90_000, 'server to listen');
  const workers = Object.fromEntries(
    hostIds.map((id) => [id, startStarling(['worker', '--connect', address, '--host-id', id, '--threads', '1'])]),
  );
  return { server, workers, address };
}

/** The pids of process `pid`'s children (e.g. the host processes of a `processes` run), ascending. */
export function childPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((s) => Number(s.trim()))
      .filter((n) => n > 0)
      .sort((a, b) => a - b);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

/** Whether process `pid` exists (one that is not ours to signal counts too). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
