#!/usr/bin/env node
// The Byzantine attack matrix (issue 15, docs/robustness.md): test accuracy of FedAvg for every server
// aggregator × attack, on IID and on Dirichlet(α = 0.3) label-skewed partitions, 100 clients of which
// 20 % are Byzantine, all clients every round (so f = 20 of n = 100 in every aggregation).
//
//   node experiments/byzantine-matrix.mjs [--quick] [--rounds R] [--seed S] [--data fashion-mnist|mnist]
//                                         [--write-doc] [--json] [--rows mean,krum,...] [--cols none,alie,...]
//                                         [--partitions iid|dirichlet] [--alie-z Z]...
//
// --rows / --cols / --partitions keep the aggregators / attacks / partitions whose label starts with one
// of the given prefixes; --alie-z adds an omniscient ALIE column with that z (repeatable).
//
// Data: Fashion-MNIST when Debian's dataset-fashion-mnist is installed (/usr/share/datasets/fashion-mnist),
// else the bundled MNIST digits. Every run goes through `runExperiment` (the path `starling run` takes)
// in this process, inline runtime and native kernels, one after another, so the data is parsed once.
// Default: 8 rounds on 20,000 training images. --quick: 3 rounds on 10,000 (a smoke run); --write-doc replaces the table between
// the markers in docs/robustness.md. Needs `npx tsc -b` first.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runExperiment } from '../packages/runner/dist/index.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const FASHION = '/usr/share/datasets/fashion-mnist';

function parseArgs(argv) {
  const o = { quick: false, rounds: null, seed: 1, data: null, writeDoc: false, json: false };
  o.rows = null;
  o.cols = null;
  o.partitions = null;
  o.alieZ = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') o.quick = true;
    else if (a === '--rounds') o.rounds = Number(argv[++i]);
    else if (a === '--seed') o.seed = Number(argv[++i]);
    else if (a === '--data') o.data = argv[++i];
    else if (a === '--write-doc') o.writeDoc = true;
    else if (a === '--json') o.json = true;
    else if (a === '--rows') o.rows = argv[++i].split(',');
    else if (a === '--cols') o.cols = argv[++i].split(',');
    else if (a === '--partitions') o.partitions = argv[++i].split(',');
    else if (a === '--alie-z') o.alieZ.push(Number(argv[++i]));
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

/** Rows: the server aggregators, with options for n = 100, f = 20 and updates of norm ~0.5 (measured). */
const AGGREGATORS = [
  ['mean', { kind: 'mean' }],
  ['median', { kind: 'median' }],
  ['trimmed_mean β=0.2', { kind: 'trimmed_mean', beta: 0.2 }],
  ['krum f=20', { kind: 'krum', f: 20 }],
  ['multi_krum f=20', { kind: 'multi_krum', f: 20 }],
  ['geomed', { kind: 'geomed' }],
  ['norm_bound 0.5', { kind: 'norm_bound', bound: 0.5 }],
  ['centered_clip τ=0.5', { kind: 'centered_clip', tau: 0.5 }],
  ['centered_clip τ=0.5 + bucketing 2', { kind: 'centered_clip', tau: 0.5, bucketing: 2 }],
];

/** Columns: no attack, then each attack with the options used (20 % of the clients). */
const ATTACKS = [
  ['none', null],
  ['sign_flip ×4', { attack: { kind: 'sign_flip', scale: 4 } }],
  ['scale ×10', { attack: { kind: 'scale', factor: 10 } }],
  ['gaussian σ=1', { attack: { kind: 'gaussian', std: 1 } }],
  ['label_flip', { attack: { kind: 'label_flip' } }],
  ['ALIE (omn.)', { attack: { kind: 'alie' }, knowledge: 'omniscient' }],
  ['IPM ε=0.1 (omn.)', { attack: { kind: 'ipm', epsilon: 0.1 }, knowledge: 'omniscient' }],
];

const PARTITIONS = [
  ['IID', { kind: 'iid' }],
  ['Dirichlet α=0.3', { kind: 'dirichlet', alpha: 0.3 }],
];

function config(o, data, partition, aggregator, adversary) {
  return {
    name: 'byzantine-matrix',
    seed: o.seed,
    data,
    model: { kind: 'mlp', hidden: [32], activation: 'relu', init: 'kaiming' },
    loss: { kind: 'softmax_ce' },
    optimizer: { kind: 'sgd', lr: 0.05 },
    algorithm: {
      kind: 'fedavg',
      rounds: o.rounds,
      clients: 100,
      fraction: 1,
      localEpochs: 1,
      batchSize: 32,
      partition,
      aggregator,
    },
    runtime: { kind: 'inline' },
    eval: { every: o.rounds },
    ...(adversary ? { adversary: { fraction: 0.2, ...adversary } } : {}),
  };
}

async function runOne(cfg) {
  const out = mkdtempSync(join(tmpdir(), 'starling-byz-matrix-'));
  rmSync(out, { recursive: true });
  try {
    const s = await runExperiment(cfg, { out, kernels: 'native', logLevel: 'silent', baseDir: repo });
    return { accuracy: s.test_accuracy, byzantine: s.adversary?.byzantine ?? [], wall: s.wall_s, error: null };
  } catch (err) {
    // A run the attack made diverge (NaN loss) counts as destroyed: accuracy reported as "div."
    return { accuracy: null, byzantine: [], wall: null, error: String(err.message ?? err).slice(0, 120) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function table(results, partitionName) {
  const head = `| aggregator | ${attacks.map(([a]) => a).join(' | ')} |`;
  const rule = `|---|${attacks.map(() => '---:').join('|')}|`;
  const rows = aggregators.map(([agg]) => {
    const cells = attacks.map(([att]) => {
      const r = results.find((x) => x.partition === partitionName && x.aggregator === agg && x.attack === att);
      return r.accuracy === null ? 'div.' : r.accuracy.toFixed(3);
    });
    return `| ${agg} | ${cells.join(' | ')} |`;
  });
  return [`**${partitionName}**`, '', head, rule, ...rows].join('\n');
}

const o = parseArgs(process.argv.slice(2));
/** Keeps the entries whose label starts with one of `prefixes` (all when null). */
const pick = (list, prefixes) =>
  prefixes === null
    ? list
    : list.filter(([label]) => prefixes.some((p) => label.toLowerCase().startsWith(p.toLowerCase())));
for (const z of o.alieZ) ATTACKS.push([`ALIE z=${z} (omn.)`, { attack: { kind: 'alie', z }, knowledge: 'omniscient' }]);
const aggregators = pick(AGGREGATORS, o.rows);
const attacks = pick(ATTACKS, o.cols);
const partitions = pick(PARTITIONS, o.partitions);
if (o.writeDoc && (o.rows || o.cols || o.partitions || o.alieZ.length > 0 || o.rounds !== null)) {
  throw new Error('--write-doc writes the full matrix only (no --rows, --cols, --partitions, --alie-z, --rounds)');
}
const fashion = o.data !== 'mnist' && existsSync(FASHION);
if (o.data === 'fashion-mnist' && !fashion) throw new Error(`Fashion-MNIST is not installed under ${FASHION}`);
o.rounds ??= o.quick ? 3 : 8;
const limit = o.quick ? 10_000 : 20_000;
const data = fashion
  ? { kind: 'fashion-mnist', limit, testLimit: o.quick ? 2000 : 10_000 }
  : { kind: 'mnist', testFraction: 0.2 };
const dataName = fashion ? `Fashion-MNIST (${limit} training images, ${data.testLimit} test)` : 'bundled MNIST digits';
const results = [];
const started = performance.now();
for (const [partitionName, partition] of partitions) {
  for (const [agg, aggregator] of aggregators) {
    for (const [att, adversary] of attacks) {
      const r = await runOne(config(o, data, partition, aggregator, adversary));
      results.push({ partition: partitionName, aggregator: agg, attack: att, ...r });
      const shown = r.accuracy === null ? `diverged (${r.error})` : r.accuracy.toFixed(4);
      process.stderr.write(`${partitionName} | ${agg} | ${att}: ${shown}\n`);
    }
  }
}
const wall = (performance.now() - started) / 1000;
const cpu = process.cpuUsage();
const cpuS = (cpu.user + cpu.system) / 1e6;
const byz = results.find((r) => r.byzantine.length > 0)?.byzantine ?? [];
const setup = [
  `${dataName}; 100 clients, all in every round; MLP 784-32-10 (ReLU), SGD lr 0.05, E = 1, B = 32;`,
  `${o.rounds} rounds; seed ${o.seed}; inline runtime, native kernels; 20 Byzantine clients`,
  `(\`fraction: 0.2\`, drawn from the seed: ids ${byz.join(', ')}). Test accuracy of the final model;`,
  `"div." = the run stopped on a non-finite model. Whole matrix: ${wall.toFixed(0)} s wall, ${cpuS.toFixed(0)} s CPU`,
  `(${os.cpus()[0]?.model ?? 'unknown CPU'}, load average ${os.loadavg()[0].toFixed(1)} at the end).`,
].join('\n');
const markdown = [setup, '', ...partitions.map(([p]) => `${table(results, p)}\n`)].join('\n');
if (o.json) console.log(JSON.stringify({ setup: { ...o, data }, results, wall_s: wall, cpu_s: cpuS }));
else console.log(markdown);
if (o.writeDoc) {
  const doc = join(repo, 'docs/robustness.md');
  const text = readFileSync(doc, 'utf8');
  const begin = '<!-- byzantine-matrix:begin -->';
  const end = '<!-- byzantine-matrix:end -->';
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`docs/robustness.md has no ${begin} ... ${end} markers`);
  const cmd = `node experiments/byzantine-matrix.mjs${o.quick ? ' --quick' : ''} --seed ${o.seed} --write-doc`;
  writeFileSync(doc, `${text.slice(0, i + begin.length)}\n\`${cmd}\`:\n\n${markdown}\n${text.slice(j)}`);
}
