#!/usr/bin/env node
// D-PSGD on three gossip topologies side by side: runs experiments/dpsgd-{ring,exponential,complete}-16.yaml
// (16 peers, bundled MNIST, label shards) through the `starling` CLI, one after another, and prints a
// markdown table of the final average-model accuracy, the spread of the 16 node accuracies, the
// consensus error and the gossip traffic per topology.
//
//   node experiments/gossip-compare.mjs [--runtime processes|threads|inline] [--one-peer] [--set path=value]...
//                                       [--json]
//
// The configs run each peer as its own process (runtime processes, 16 workers); `--runtime inline` runs
// the same computation in one thread (same models, bit for bit; bytes are then counted as they would
// be on the wire). `--one-peer` adds the time-varying one-peer exponential schedule as a fourth row.
// |lambda_2| and messages per round come from `starling topology inspect`. Needs `npx tsc -b` first.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(repo, 'packages/cli/bin/starling.js');

const args = process.argv.slice(2);
const sets = [];
let runtime = null;
let onePeer = false;
let json = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--set') sets.push(args[++i]);
  else if (args[i] === '--runtime') runtime = args[++i];
  else if (args[i] === '--one-peer') onePeer = true;
  else if (args[i] === '--json') json = true;
  else {
    console.error(`unknown argument ${args[i]}`);
    process.exit(2);
  }
}
if (runtime !== null && !['inline', 'threads', 'processes'].includes(runtime)) {
  console.error(`--runtime must be inline, threads or processes, got ${runtime}`);
  process.exit(2);
}

function starling(argv) {
  const r = spawnSync(process.execPath, [bin, ...argv], { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`starling ${argv.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

const rows = [
  { label: 'ring', config: 'experiments/dpsgd-ring-16.yaml', topology: ['ring'], extra: [] },
  { label: 'exponential', config: 'experiments/dpsgd-exponential-16.yaml', topology: ['exponential'], extra: [] },
  { label: 'complete', config: 'experiments/dpsgd-complete-16.yaml', topology: ['complete'], extra: [] },
];
if (onePeer) {
  rows.push({
    label: 'one-peer exponential',
    config: 'experiments/dpsgd-exponential-16.yaml',
    topology: ['one_peer_exponential'],
    extra: ['--set', 'algorithm.topology={kind: one_peer_exponential}', '--set', 'name=dpsgd-one-peer-16'],
  });
}

const results = [];
for (const row of rows) {
  const inspect = JSON.parse(starling(['topology', 'inspect', ...row.topology, '--nodes', '16', '--json']));
  const out = join(mkdtempSync(join(tmpdir(), 'starling-gossip-')), 'run');
  const argv = ['run', row.config, ...row.extra, ...sets.flatMap((s) => ['--set', s])];
  if (runtime) argv.push('--set', runtime === 'processes' ? 'runtime.workers=16' : `runtime={kind: ${runtime}}`);
  const summary = JSON.parse(starling([...argv, '--out', out, '--json', '--quiet']));
  const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const last = lines.filter((l) => l.test_accuracy !== null).at(-1);
  results.push({
    topology: row.label,
    lambda2: inspect.lambda2PerRound,
    messagesPerRound: inspect.messagesPerRound,
    rounds: summary.rounds,
    testAccuracy: last.test_accuracy,
    nodeAccuracyMean: last.node_accuracy_mean,
    nodeAccuracyStd: last.node_accuracy_std,
    nodeAccuracyMin: last.node_accuracy_min,
    nodeAccuracyMax: last.node_accuracy_max,
    consensusError: last.consensus_error,
    gossipMB: summary.bytes_up / 1e6,
    wallS: summary.wall_s,
    runtime: summary.runtime,
    backend: summary.backend,
    out,
  });
  process.stderr.write(`${row.label}: done in ${summary.wall_s.toFixed(1)} s -> ${out}\n`);
}

if (json) {
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} else {
  const f = (x, d) => (x === null || x === undefined ? '-' : x.toFixed(d));
  const e = (x) => (x === null || x === undefined ? '-' : x === 0 ? '0' : x.toExponential(2));
  const r0 = results[0];
  console.log(
    `D-PSGD (atc), 16 peers, ${r0.rounds} rounds, runtime ${r0.runtime}, ${r0.backend} kernels; accuracy on the 2,000 held-out digits\n`,
  );
  console.log(
    '| topology | \\|λ₂\\| per round | messages / round | x̄ accuracy | node accuracy mean ± std | node min – max | consensus error | gossip MB sent | wall s |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.topology} | ${f(r.lambda2, 4)} | ${r.messagesPerRound} | ${f(r.testAccuracy, 4)} | ${f(r.nodeAccuracyMean, 4)} ± ${f(r.nodeAccuracyStd, 4)} | ${f(r.nodeAccuracyMin, 3)} – ${f(r.nodeAccuracyMax, 3)} | ${e(r.consensusError)} | ${f(r.gossipMB, 1)} | ${f(r.wallS, 1)} |`,
    );
  }
}
