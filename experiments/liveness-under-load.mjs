#!/usr/bin/env node
// False losses under CPU load: runs D-PSGD on a ring (experiments/dpsgd-ring-16.yaml) with many gossip
// peers on this machine's few cores and checks that nobody was reported lost: `peers_lost` 0, every
// round with every peer participating and no neighbour dropped from any average. Prints one JSON line
// with the figures (wall time, rounds, peers_lost, the smallest participant count, dropped neighbours,
// the load average before and after) and exits 1 when a live peer was lost.
//
//   node experiments/liveness-under-load.mjs [--peers 64] [--hosts 8] [--rounds 20] [--set path=value]...
//
// --hosts 8 --peers 64 gives 8 `starling peer` processes carrying 8 peers each; --hosts 64 one process
// per peer. Too heavy for the test suite (about 1-2 minutes on 2 cores); test/transport/busy-peer.test.ts
// covers the rule it relies on. Needs `npx tsc -b` first.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(repo, 'packages/cli/bin/starling.js');
const opts = { peers: 64, hosts: 8, rounds: 20 };
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

const out = join(mkdtempSync(join(tmpdir(), 'starling-liveness-')), 'run');
const argv = [
  'run',
  'experiments/dpsgd-ring-16.yaml',
  ...['--set', `algorithm.rounds=${opts.rounds}`, '--set', `algorithm.peers=${opts.peers}`],
  ...['--set', `runtime={kind: processes, workers: ${opts.hosts}}`, '--set', 'eval.every=1000'],
  ...sets.flatMap((s) => ['--set', s]),
  ...['--out', out, '--quiet', '--json', '--kernels', 'native'],
];
const loadBefore = loadavg()[0];
const r = spawnSync(process.execPath, [bin, ...argv], { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 26 });
if (r.status !== 0) {
  console.error(`starling ${argv.join(' ')} failed (${r.status}):\n${r.stderr}`);
  process.exit(1);
}
const summary = JSON.parse(r.stdout);
const rounds = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));
const result = {
  peers: opts.peers,
  hosts: opts.hosts,
  rounds: rounds.length,
  wall_s: Math.round(summary.wall_s * 10) / 10,
  peers_lost: summary.peers_lost,
  min_participants: Math.min(...rounds.map((l) => l.participants)),
  failures: rounds.reduce((s, l) => s + l.failures, 0),
  dropped_neighbours: rounds.reduce((s, l) => s + l.dropped_neighbours, 0),
  load_before: loadBefore,
  load_after: loadavg()[0],
};
console.log(JSON.stringify(result));
const clean =
  result.rounds === opts.rounds &&
  result.peers_lost === 0 &&
  result.min_participants === opts.peers &&
  result.failures === 0 &&
  result.dropped_neighbours === 0;
process.exit(clean ? 0 : 1);
