#!/usr/bin/env node
// Accuracy against uplink bytes: runs one FedAvg experiment once per uplink compressor, through the
// `starling` CLI, and prints a markdown table.
//
//   node experiments/compression-sweep.mjs [config] [--only none,topk-ef,...] [--set path=value]... [--seed N] [--json]
//
// Default config: experiments/compression-fedavg.yaml. Each row is one
// `starling run <config> --set compression.up=<spec>` with every other setting shared; the last row adds a
// downlink compressor (top-k 2% of the difference between the server model and the hosts' copy) to
// the top-k + EF uplink to show the downlink bytes shrink. Byte columns are tensor payload bytes (encoder output, or 4 bytes per raw float), summed
// over the run (`payload_bytes_up` / `payload_bytes_down` in summary.json); in the inline runtime every
// node counts as a downlink recipient. The ratio is the `none` row's uplink bytes over the row's.
// Runs one after another; needs `npx tsc -b` first.
import { join } from 'node:path';
import { repo, runStarling } from './lib/run-starling.mjs';

const ROWS = [
  ['none', 'none (fp32)', ['compression={}']],
  ['fp16', 'fp16', ['compression.up={kind: fp16}']],
  ['qsgd4', 'qsgd s=4', ['compression.up={kind: qsgd, levels: 4}']],
  ['qsgd16', 'qsgd s=16', ['compression.up={kind: qsgd, levels: 16}']],
  ['sign', 'sign', ['compression.up={kind: sign}']],
  ['sign-ef', 'sign + EF', ['compression.up={kind: sign, errorFeedback: true}']],
  ['topk', 'top-k 1%', ['compression.up={kind: topk, ratio: 0.01}']],
  ['topk-ef', 'top-k 1% + EF', ['compression.up={kind: topk, ratio: 0.01, errorFeedback: true}']],
  ['randk-ef', 'random-k 1% + EF', ['compression.up={kind: randk, ratio: 0.01, errorFeedback: true}']],
  ['powersgd', 'PowerSGD rank 2 + EF', ['compression.up={kind: powersgd, rank: 2, errorFeedback: true}']],
  [
    'topk-ef-down',
    'top-k 1% + EF up, top-k 2% deltas down',
    ['compression.up={kind: topk, ratio: 0.01, errorFeedback: true}', 'compression.down={kind: topk, ratio: 0.02}'],
  ],
];

function parseArgs(argv) {
  const o = { config: join(repo, 'experiments/compression-fedavg.yaml'), only: null, set: [], seed: null, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--only') o.only = argv[++i].split(',');
    else if (a === '--set') o.set.push(argv[++i]);
    else if (a === '--seed') o.seed = Number(argv[++i]);
    else if (a === '--json') o.json = true;
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else o.config = a;
  }
  const known = ROWS.map((r) => r[0]);
  for (const name of o.only ?? []) {
    if (!known.includes(name)) throw new Error(`--only: unknown row ${name} (rows: ${known.join(', ')})`);
  }
  return o;
}

function run(config, sets, seed) {
  return runStarling(config, sets, seed).summary;
}

const fmt = (x, digits) => (x === null || x === undefined ? '–' : Number(x).toFixed(digits));
const int = (x) => Number(x).toLocaleString('en-US');

const o = parseArgs(process.argv.slice(2));
const rows = [];
for (const [name, label, extra] of ROWS) {
  if (o.only && !o.only.includes(name) && name !== 'none') continue;
  const s = run(o.config, [...o.set, ...extra], o.seed);
  rows.push({
    row: name,
    compressor: label,
    accuracy: s.test_accuracy,
    payload_bytes_up: s.payload_bytes_up,
    payload_bytes_down: s.payload_bytes_down,
    theoretical_bits_up: s.theoretical_bits_up,
    rounds: s.rounds,
    wall_s: s.wall_s,
    backend: s.backend,
    runtime: s.runtime,
  });
  process.stderr.write(`done: ${label} -> accuracy ${s.test_accuracy}, uplink ${s.payload_bytes_up} B\n`);
}
const base = rows.find((r) => r.row === 'none');
for (const r of rows) r.ratio_up = base.payload_bytes_up / r.payload_bytes_up;
if (o.json) {
  for (const r of rows) console.log(JSON.stringify(r));
} else {
  console.log(
    '| compressor | final test accuracy | Δ vs none (pp) | uplink bytes | downlink bytes | uplink ratio vs fp32 | wall s |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const delta = 100 * (r.accuracy - base.accuracy);
    const cells = [r.compressor, fmt(r.accuracy, 4), fmt(delta, 2), int(r.payload_bytes_up), int(r.payload_bytes_down)];
    console.log(`| ${[...cells, `${fmt(r.ratio_up, 1)}×`, fmt(r.wall_s, 1)].join(' | ')} |`);
  }
  const backends = [...new Set(rows.map((r) => r.backend))].join(', ');
  console.log(`\n${base.rounds} rounds, backend ${backends}, runtime ${base.runtime}; bytes are payload bytes.`);
}
