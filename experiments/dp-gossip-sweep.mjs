#!/usr/bin/env node
// Accuracy against epsilon for DP-D-PSGD (DP-SGD inside each gossip peer's local steps, one accountant
// per peer): runs experiments/dpsgd-ring-16.yaml (16 peers on a ring, label shards) in one thread at
// several privacy budgets plus without privacy, through the `starling` CLI, and prints a markdown table.
//
//   nice -n 5 node experiments/dp-gossip-sweep.mjs [--config experiments/dpsgd-ring-16.yaml] [--eps 1,3,8]
//                  [--clip 1] [--set path=value]... [--seed N] [--json]
//
// Each budget is one `starling run <config> --set 'privacy={mode: dpsgd, delta: 1.0e-5, clipNorm: C,
// targetEpsilon: E}' --set 'runtime={kind: inline}'`: sigma is calibrated before the run for the peer
// with the largest lot rate q_i = batch/n_i, so the maximum of the peers' epsilons meets the target.
// The baseline is the same run without privacy. Runs one after another (about 30 s each on one core);
// needs `npx tsc -b` first.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runStarling } from './lib/run-starling.mjs';

function parseArgs(argv) {
  const o = { config: 'experiments/dpsgd-ring-16.yaml', eps: [1, 3, 8], clip: 1, set: [], seed: null, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--config') o.config = argv[++i];
    else if (a === '--eps') o.eps = argv[++i].split(',').map(Number);
    else if (a === '--clip') o.clip = Number(argv[++i]);
    else if (a === '--set') o.set.push(argv[++i]);
    else if (a === '--seed') o.seed = Number(argv[++i]);
    else if (a === '--json') o.json = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (o.eps.some((e) => !(e > 0))) throw new Error('--eps must list positive numbers');
  if (!(o.clip > 0)) throw new Error('--clip must be a positive number');
  return o;
}

function run(config, sets, seed) {
  const { summary, extra: meta } = runStarling(config, sets, seed, (out) =>
    JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')),
  );
  return { summary, meta };
}

const fmt = (x, digits) => (x === null || x === undefined ? '–' : Number(x).toFixed(digits));
const range = (xs) => {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? String(Number(lo.toPrecision(3))) : `${Number(lo.toPrecision(3))}–${Number(hi.toPrecision(3))}`;
};

const o = parseArgs(process.argv.slice(2));
const rows = [];
for (const eps of [...o.eps, null]) {
  const privacy =
    eps === null ? 'privacy=null' : `privacy={mode: dpsgd, delta: 1.0e-5, clipNorm: ${o.clip}, targetEpsilon: ${eps}}`;
  const { summary } = run(o.config, ['runtime={kind: inline}', ...o.set, privacy], o.seed);
  const p = summary.privacy ?? null;
  rows.push({
    target: eps,
    epsilon_max: summary.epsilon,
    epsilon_min: p ? Math.min(...p.epsilon_peers) : null,
    delta: p?.delta ?? null,
    sigma: p?.noise_multiplier ?? null,
    q: p ? range(p.sample_rates) : null,
    steps: p ? range(p.steps) : null,
    accuracy: summary.test_accuracy,
    node_accuracy_mean: summary.node_accuracy_mean,
    rounds: summary.rounds,
    wall_s: summary.wall_s,
    backend: summary.backend,
    model_sha256: summary.model_sha256,
  });
  process.stderr.write(
    `done: target ${eps ?? 'none'} -> accuracy ${summary.test_accuracy} (${summary.wall_s.toFixed(1)} s)\n`,
  );
}
if (o.json) {
  for (const r of rows) console.log(JSON.stringify(r));
} else {
  console.log(
    '| target ε | max ε (peers) | min ε | δ | σ | q per peer | steps per peer | x̄ accuracy | mean peer accuracy | wall s |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const target = r.target === null ? 'non-private' : String(r.target);
    const cells = [target, fmt(r.epsilon_max, 3), fmt(r.epsilon_min, 3), r.delta ?? '–', fmt(r.sigma, 4)];
    cells.push(r.q ?? '–', r.steps ?? '–', fmt(r.accuracy, 4), fmt(r.node_accuracy_mean, 4), fmt(r.wall_s, 1));
    console.log(`| ${cells.join(' | ')} |`);
  }
}
