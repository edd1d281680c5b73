#!/usr/bin/env node
// Accuracy against epsilon: runs one experiment at several privacy budgets plus without privacy, through
// the `starling` CLI, and prints a markdown table.
//
//   node experiments/dp-sweep.mjs <config> [--eps 1,3,8] [--data mnist|fashion-mnist] [--set path=value]...
//                                 [--seed N] [--json]
//
// Each budget is one `starling run <config> --set privacy.targetEpsilon=E` (sigma is calibrated for the
// planned steps before the run); the baseline is `--set privacy=null`. `--data fashion-mnist` switches
// to Debian's Fashion-MNIST (skipped with a note when it is not installed); later `--set data.limit=N`
// and `--set data.testLimit=N` keep the runtime modest. Runs one after another; needs `npx tsc -b` first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(repo, 'packages/cli/bin/starling.js');

function parseArgs(argv) {
  const o = { config: null, eps: [1, 3, 8], data: null, set: [], seed: null, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--eps') o.eps = argv[++i].split(',').map(Number);
    else if (a === '--data') o.data = argv[++i];
    else if (a === '--set') o.set.push(argv[++i]);
    else if (a === '--seed') o.seed = Number(argv[++i]);
    else if (a === '--json') o.json = true;
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else o.config = a;
  }
  if (!o.config) throw new Error('usage: dp-sweep.mjs <config> [--eps 1,3,8] [--data fashion-mnist] [--set k=v]...');
  if (o.eps.some((e) => !(e > 0))) throw new Error('--eps must list positive numbers');
  return o;
}

function run(config, sets, seed) {
  const out = mkdtempSync(join(tmpdir(), 'starling-dp-sweep-'));
  rmSync(out, { recursive: true });
  const args = [bin, 'run', config, '--json', '--quiet', '--out', out, ...sets.flatMap((s) => ['--set', s])];
  if (seed !== null) args.push('--seed', String(seed));
  const r = spawnSync(process.execPath, args, { cwd: repo, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`starling run failed (exit ${r.status}): ${r.stderr.trim()}`);
  const summary = JSON.parse(r.stdout);
  const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
  rmSync(out, { recursive: true, force: true });
  return { summary, meta };
}

const fmt = (x, digits) => (x === null || x === undefined ? '–' : Number(x).toFixed(digits));

const o = parseArgs(process.argv.slice(2));
const sets = [...o.set];
if (o.data === 'fashion-mnist') {
  if (!existsSync('/usr/share/datasets/fashion-mnist')) {
    console.log('Fashion-MNIST is not installed (apt install dataset-fashion-mnist); skipped.');
    process.exit(0);
  }
  sets.unshift('data={kind: fashion-mnist}');
}
const rows = [];
for (const eps of [...o.eps, null]) {
  const extra = eps === null ? ['privacy=null'] : [`privacy.targetEpsilon=${eps}`];
  const { summary, meta } = run(o.config, [...sets, ...extra], o.seed);
  const p = meta.privacy ?? null;
  rows.push({
    data: o.data ?? 'config',
    target: eps,
    epsilon: summary.epsilon,
    delta: p?.delta ?? null,
    sigma: p?.noise_multiplier ?? null,
    q: p?.sample_rate ?? null,
    steps: p?.planned_steps ?? null,
    accuracy: summary.test_accuracy,
    rounds: summary.rounds,
    wall_s: summary.wall_s,
    backend: summary.backend,
  });
  process.stderr.write(`done: target ${eps ?? 'none'} -> accuracy ${summary.test_accuracy}\n`);
}
if (o.json) {
  for (const r of rows) console.log(JSON.stringify(r));
} else {
  console.log('| target ε | ε spent | δ | σ (noise multiplier) | q | steps | test accuracy | wall s |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const target = r.target === null ? 'non-private' : String(r.target);
    const q = r.q === null ? '–' : Number(r.q.toPrecision(3));
    const cells = [target, fmt(r.epsilon, 3), r.delta ?? '–', fmt(r.sigma, 4), q, r.steps ?? '–'];
    console.log(`| ${[...cells, fmt(r.accuracy, 4), fmt(r.wall_s, 1)].join(' | ')} |`);
  }
}
