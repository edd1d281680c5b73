// Interleaved A/B of the 1,000-client FedAvg round across source trees and runtimes:
//
//   node bench/ab-rounds.mjs <tree>[,<tree>...] [runtimes=inline,threads] [repeats=3] [rounds=14]
//
// e.g. `node bench/ab-rounds.mjs /work/wt/main,. inline,threads,processes 3` (each tree built with
// `tsc -b`). Every repeat runs each tree × runtime once, in turn, so load from other processes falls on
// all cells alike; a cell's figure is the median round time (difference of consecutive `time_s` in
// metrics.jsonl, first and last round left out) over all its repeats, with the model_sha256 prefixes
// seen (they must agree across runtimes) and the 1-minute load average before and after.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const trees = process.argv[2].split(',').map((t) => resolve(t));
const runtimes = (process.argv[3] ?? 'inline,threads').split(',');
const repeats = Number(process.argv[4] ?? 3);
const rounds = Number(process.argv[5] ?? 14);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function roundTimes(tree, runtime) {
  const out = join(mkdtempSync(join(tmpdir(), 'starling-ab-')), 'run');
  const sets = ['algorithm.clients=1000', 'algorithm.fraction=0.1', `algorithm.rounds=${rounds}`];
  sets.push(
    'eval.every=100000',
    runtime === 'processes' ? 'runtime={kind: processes, workers: 2}' : `runtime.kind=${runtime}`,
  );
  const args = [join(tree, 'packages/cli/bin/starling.js'), 'run', 'experiments/fedavg-mnist-iid.yaml'];
  args.push('--out', out, '--quiet', '--json', '--kernels', 'native', ...sets.flatMap((s) => ['--set', s]));
  const r = spawnSync(process.execPath, args, { cwd: tree, encoding: 'utf8' });
  if (r.status !== 0) return { times: [], sha: `failed: ${r.stderr.trim().split('\n').pop()}` };
  const t = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l).time_s);
  return {
    times: t.slice(1, -1).map((x, i) => (x - t[i]) * 1000),
    sha: JSON.parse(r.stdout).model_sha256.slice(0, 12),
  };
}

const cells = new Map();
const load0 = loadavg()[0];
for (let rep = 0; rep < repeats; rep++) {
  for (const tree of trees) {
    for (const runtime of runtimes) {
      const key = `${tree} ${runtime}`;
      const cell = cells.get(key) ?? { times: [], shas: new Set() };
      const r = roundTimes(tree, runtime);
      cell.times.push(...r.times);
      cell.shas.add(r.sha);
      cells.set(key, cell);
      console.error(
        `${key}: ${r.times.length ? median(r.times).toFixed(1) : '-'} ms (load ${loadavg()[0].toFixed(1)})`,
      );
    }
  }
}
for (const [key, c] of cells) {
  const ms = c.times.length ? median(c.times).toFixed(1) : '-';
  console.log(`${key}: median ${ms} ms over ${c.times.length} rounds, sha ${[...c.shas].join(' ')}`);
}
console.log(`load average ${load0.toFixed(1)} -> ${loadavg()[0].toFixed(1)}`);
