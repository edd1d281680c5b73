import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repo } from '../cli/cli-helpers.js';

/** The interpreter the Python worker is written for: Debian's, with python3-zmq, -msgpack, -numpy. */
export const PYTHON = '/usr/bin/python3';
/** The worker's entry point. */
export const WORKER = join(repo, 'clients/python/starling_worker.py');

/** Why the Python tests cannot run here ('' when they can): the interpreter or a module is missing. */
export function pythonMissing(): string {
  const r = spawnSync(PYTHON, ['-c', 'import zmq, msgpack, numpy'], { encoding: 'utf8' });
  if (r.error) return `${PYTHON} is not runnable (${r.error.message})`;
  if (r.status !== 0) return `${PYTHON} lacks zmq, msgpack or numpy: ${r.stderr.trim().split('\n').pop()}`;
  return '';
}

/** Runs `test/python/probe.py` with one JSON request and returns its JSON answer. */
export function probe(request: object): Record<string, unknown> {
  const r = spawnSync(PYTHON, [join(repo, 'test/python/probe.py')], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`probe.py failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Starts the Python worker with `args` in the background, collecting its output. */
export function startPythonWorker(args: readonly string[]): {
  child: ChildProcess;
  err: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(PYTHON, [WORKER, ...args], { cwd: repo });
  let err = '';
  child.stdout?.on('data', (d) => (err += d));
  child.stderr?.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, err: () => err, exit };
}
