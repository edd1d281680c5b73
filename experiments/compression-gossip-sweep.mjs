#!/usr/bin/env node
// Accuracy against gossip bytes with CHOCO-SGD: runs experiments/compression-gossip.yaml (or another
// dpsgd/consensus config) once per gossip compressor plus once as plain float32 gossip, through the
// `starling` CLI, and prints a markdown table.
//
//   node experiments/compression-gossip-sweep.mjs [config] [--only none,topk] [--gamma topk=0.05,...]
//                                                 [--tune] [--set path=value]... [--seed N] [--json]
//
// Rows: plain gossip (no CHOCO: every message is the raw float32 model), then CHOCO with `none`, `fp16`,
// `qsgd` s=4, `sign` and `topk` 1%, each with the consensus step size gamma of GAMMA below (tuned once per
// compressor with --tune on this config, seed 1: the grid's gamma of lowest final consensus error; see
// docs/compression.md). The ratio is the plain run's gossip bytes (headers included) over the row's.
// `--tune` runs every gamma of TUNE_GRID per compressor and prints one line per run instead, marking the
// chosen one. Runs one after another; needs `npx tsc -b` first.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runStarling } from './lib/run-starling.mjs';

const COMPRESSORS = {
  none: '{kind: none}',
  fp16: '{kind: fp16}',
  qsgd: '{kind: qsgd, levels: 4}',
  sign: '{kind: sign}',
  topk: '{kind: topk, ratio: 0.01}',
};
const LABELS = { none: 'none (fp32)', fp16: 'fp16', qsgd: 'qsgd s=4', sign: 'sign', topk: 'top-k 1%' };
/**
 * gamma per compressor, from `--tune` on experiments/compression-gossip.yaml (seed 1): on each grid the
 * gamma with the lowest final consensus error, the quantity gamma controls (not the best accuracy).
 */
const GAMMA = { none: 1, fp16: 1, qsgd: 0.1, sign: 1, topk: 0.1 };
const TUNE_GRID = {
  none: [0.5, 1],
  fp16: [0.5, 1],
  qsgd: [0.05, 0.1, 0.2, 0.3, 0.5, 1],
  sign: [0.05, 0.1, 0.2, 0.5, 1],
  topk: [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5],
};

function parseArgs(argv) {
  const o = { config: 'experiments/compression-gossip.yaml', only: null, gamma: {}, tune: false, set: [], seed: null };
  o.json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--only') o.only = argv[++i].split(',');
    else if (a === '--gamma') {
      for (const kv of argv[++i].split(',')) {
        const [k, v] = kv.split('=');
        o.gamma[k] = Number(v);
      }
    } else if (a === '--tune') o.tune = true;
    else if (a === '--set') o.set.push(argv[++i]);
    else if (a === '--seed') o.seed = Number(argv[++i]);
    else if (a === '--json') o.json = true;
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else o.config = a;
  }
  for (const k of [...(o.only ?? []), ...Object.keys(o.gamma)]) {
    if (!(k in COMPRESSORS)) throw new Error(`unknown compressor ${k}; known: ${Object.keys(COMPRESSORS).join(', ')}`);
  }
  if (Object.values(o.gamma).some((g) => !(g > 0 && g <= 1))) throw new Error('--gamma values must be in (0, 1]');
  return o;
}

function run(config, sets, seed) {
  const { summary, extra: lines } = runStarling(config, sets, seed, (out) =>
    readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map(JSON.parse),
  );
  const bits = lines.reduce((s, l) => s + (l.payload_bits_theoretical ?? 0), 0);
  return { ...summary, payload_bits: bits };
}

const fmt = (x, digits) => (x === null || x === undefined ? '–' : Number(x).toFixed(digits));
const mb = (b) => (b / 1e6).toFixed(2);

const o = parseArgs(process.argv.slice(2));
const kinds = o.only ?? Object.keys(COMPRESSORS);
const choco = (kind, gamma) => `compression={gossip: ${COMPRESSORS[kind]}, gamma: ${gamma}}`;

if (o.tune) {
  console.log('| compressor | γ | test accuracy | consensus error | wall s |');
  console.log('|---|---|---|---|---|');
  for (const kind of kinds) {
    const runs = TUNE_GRID[kind].map((gamma) => ({ gamma, ...run(o.config, [...o.set, choco(kind, gamma)], o.seed) }));
    const best = runs.reduce((a, b) => ((b.consensus_error ?? Infinity) < (a.consensus_error ?? Infinity) ? b : a));
    for (const s of runs) {
      const g = s === best ? `**${s.gamma}**` : String(s.gamma);
      console.log(
        `| ${LABELS[kind]} | ${g} | ${fmt(s.test_accuracy, 4)} | ${fmt(s.consensus_error, 4)} | ${fmt(s.wall_s, 1)} |`,
      );
    }
  }
  process.exit(0);
}

const rows = [];
const plain = run(o.config, [...o.set, 'compression={}'], o.seed);
rows.push({ compressor: 'plain gossip (fp32, no CHOCO)', gamma: null, ...plain });
process.stderr.write(`done: plain -> accuracy ${plain.test_accuracy}\n`);
for (const kind of kinds) {
  const gamma = o.gamma[kind] ?? GAMMA[kind];
  const s = run(o.config, [...o.set, choco(kind, gamma)], o.seed);
  rows.push({ compressor: `CHOCO ${LABELS[kind]}`, gamma, ...s });
  process.stderr.write(`done: ${kind} γ=${gamma} -> accuracy ${s.test_accuracy}\n`);
}
if (o.json) {
  for (const r of rows) console.log(JSON.stringify(r));
} else {
  console.log(
    '| gossip | γ | test accuracy (x̄) | consensus error | gossip MB (with headers) | payload MB | ratio vs fp32 | wall s |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const cells = [r.compressor, r.gamma ?? '–', fmt(r.test_accuracy, 4), fmt(r.consensus_error, 3)];
    const ratio = `${(plain.bytes_up / r.bytes_up).toFixed(1)}×`;
    console.log(`| ${[...cells, mb(r.bytes_up), mb(r.payload_bytes), ratio, fmt(r.wall_s, 1)].join(' | ')} |`);
  }
}
