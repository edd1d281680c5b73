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
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(repo, 'packages/cli/bin/starling.js');
const opts = { rounds: 2000, workers: 2, every: 100, port: 7391 };
const sets = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const key = args[i].replace(/^--/, '');
  if (key === 'set') sets.push(args[++i]);
  else if (key in opts && Number.isInteger(Number(args[i + 1]))) opts[key] = Number(args[++i]);
  else {
    console.error(`unknown or invalid argument ${args[i]}`);
    process.exit(2);
  }
}

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

function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}
function roundsDone() {
  const file = join(out, 'metrics.jsonl');
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
}

const samples = []; // [round, rss MB]
let kills = 0;
let nextKill = opts.every;
const loadBefore = loadavg()[0];
const t0 = performance.now();
let finished = false;
serverDone.then(() => (finished = true));
while (!finished) {
  await new Promise((r) => setTimeout(r, 250));
  const done = roundsDone();
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
const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : null;
};
const warm = median(samples.filter(([r]) => r >= opts.every && r < 2 * opts.every).map(([, m]) => m));
const end = median(samples.filter(([r]) => r >= opts.rounds * 0.9).map(([, m]) => m));
const result = {
  rounds: lines.length,
  planned: opts.rounds,
  workers: opts.workers,
  kills,
  not_aggregated: lines.filter((l) => !l.aggregated).length,
  rounds_with_failures: lines.filter((l) => l.failures > 0).length,
  rss_warm_mb: warm && Math.round(warm),
  rss_end_mb: end && Math.round(end),
  rss_growth: warm && end ? Math.round(((end - warm) / warm) * 1000) / 1000 : null,
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
