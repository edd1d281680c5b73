#!/usr/bin/env node
// A long cluster run with churn: `starling server` (FedAvg on MNIST, experiments/fedavg-mnist-iid.yaml)
// and W `starling worker` processes on this machine; every --every rounds one worker is killed with
// SIGKILL and a replacement with the same host id is started. Samples the server's resident memory
// (VmRSS from /proc) as the run goes and prints one JSON line: rounds, kills, rounds that aggregated
// nothing or lost participants, the server's RSS after warm-up and at the end (median of the last
// tenth), its growth, and the wall time. Exits 1 when the run fails, rounds are missing, or RSS grew by
// 10 % or more.
//
//   node experiments/soak-churn.mjs [--rounds 2000] [--workers 2] [--every 100] [--port 7391] [--set path=value]...
//
// Too long for the test suite (a few minutes on 2 cores). Needs `npx tsc -b` first.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { metricsOf, roundsDone, rssMb, soakArgs, soakFigures } from './lib/soak-common.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(repo, 'packages/cli/bin/starling.js');
const { opts, sets } = soakArgs(process.argv.slice(2), { rounds: 2000, workers: 2, every: 100, port: 7391 });

const out = join(mkdtempSync(join(tmpdir(), 'starling-soak-')), 'run');
const endpoint = `tcp://127.0.0.1:${opts.port}`;
const server = spawn(
  process.execPath,
  [
    bin,
    'server',
    'experiments/fedavg-mnist-iid.yaml',
    ...['--bind', endpoint, '--hosts', String(opts.workers)],
    ...['--set', `algorithm.rounds=${opts.rounds}`, '--set', 'eval.every=100'],
    ...sets.flatMap((s) => ['--set', s]),
    ...['--out', out, '--quiet', '--json', '--kernels', 'native'],
  ],
  { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
);
let stdout = '';
let stderr = '';
server.stdout.on('data', (d) => (stdout += d));
server.stderr.on('data', (d) => (stderr += d));
const serverDone = new Promise((res) => server.on('exit', (code, signal) => res({ code, signal })));

const workers = new Map();
function startWorker(id) {
  const w = spawn(process.execPath, [bin, 'worker', '--connect', endpoint, '--host-id', id, '--threads', '1'], {
    cwd: repo,
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  workers.set(id, w);
}
for (let i = 0; i < opts.workers; i++) startWorker(`soak-${i}`);

const samples = []; // [round, rss MB]
let kills = 0;
let nextKill = opts.every;
const loadBefore = loadavg()[0];
const t0 = performance.now();
let finished = false;
serverDone.then(() => (finished = true));
while (!finished) {
  await new Promise((r) => setTimeout(r, 250));
  const done = roundsDone(out);
  const rss = rssMb(server.pid);
  if (rss !== null) samples.push([done, rss]);
  if (done >= nextKill && done < opts.rounds - 10) {
    const id = `soak-${kills % opts.workers}`;
    workers.get(id)?.kill('SIGKILL');
    startWorker(id);
    kills++;
    nextKill += opts.every;
  }
}
const { code, signal } = await serverDone;
for (const w of workers.values()) w.kill('SIGTERM');
const lines = metricsOf(out);
const result = {
  ...soakFigures(lines, samples, opts),
  workers: opts.workers,
  kills,
  wall_s: Math.round((performance.now() - t0) / 100) / 10,
  exit: code ?? signal,
  load_before: loadBefore,
  load_after: loadavg()[0],
  out,
};
console.log(JSON.stringify(result));
if (code !== 0) console.error(stderr.slice(-2000));
const ok = code === 0 && lines.length === opts.rounds && result.rss_growth !== null && result.rss_growth < 0.1;
void stdout;
process.exit(ok ? 0 : 1);
