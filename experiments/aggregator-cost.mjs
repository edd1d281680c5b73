#!/usr/bin/env node
// The time one aggregation takes for every aggregator kind (docs/robustness.md, "Cost per round"):
// n updates of d floats (default 100 × 200,000, N(0, 1) entries, seeded), `aggregate` alone, best of
// `--repeat` (3), with the JS kernels and the native ones. Imports the built packages (`npx tsc -b` first).
//
//   node experiments/aggregator-cost.mjs [--n 100] [--d 200000] [--repeat 3] [--json]
import { parseArgs } from 'node:util';
import { jsKernels, Rng } from '../packages/core/dist/index.js';
import { loadBinding, nativeKernels } from '../packages/native/dist/index.js';
import { makeAggregator } from '../packages/server/dist/index.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '100' },
    d: { type: 'string', default: '200000' },
    repeat: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
  },
});
const [n, d, repeat] = [values.n, values.d, values.repeat].map(Number);
const f = Math.floor(n / 5);
const specs = [
  { kind: 'mean' },
  { kind: 'median' },
  { kind: 'trimmed_mean', beta: 0.1 },
  { kind: 'krum', f },
  { kind: 'multi_krum', f },
  { kind: 'geomed' },
  { kind: 'centered_clip', tau: 10 },
  { kind: 'centered_clip', tau: 10, iterations: 3 },
  { kind: 'norm_bound', bound: 100 },
  { kind: 'median', bucketing: 2 },
  { kind: 'centered_clip', tau: 10, bucketing: 2 },
];
const rng = Rng.fromSeed(1);
const updates = Array.from({ length: n }, (_, node) => ({
  node,
  samples: 1,
  delta: Float32Array.from({ length: d }, () => rng.normal(0, 1)),
}));
const weights = new Float64Array(n).fill(1 / n);
const out = new Float32Array(d);
const rows = [];
for (const [backend, kernels] of [
  ['js', jsKernels],
  ['native', nativeKernels(loadBinding())],
]) {
  for (const spec of specs) {
    const aggregator = makeAggregator(spec);
    let best = Number.POSITIVE_INFINITY;
    for (let r = 0; r < repeat; r++) {
      const ctx = { round: r, selected: [], kernels, rng: Rng.fromSeed(2).fork('aggregate', r) };
      const t0 = performance.now();
      aggregator.aggregate(updates, weights, out, ctx);
      best = Math.min(best, performance.now() - t0);
    }
    rows.push({ backend, spec: JSON.stringify(spec), n, d, ms: Math.round(best) });
  }
}
if (values.json) for (const r of rows) console.log(JSON.stringify(r));
else {
  console.log(`| aggregator (n = ${n}, d = ${d}) | native | js |\n|---|---|---|`);
  for (const spec of specs.map((s) => JSON.stringify(s))) {
    const ms = (b) => rows.find((r) => r.backend === b && r.spec === spec).ms;
    console.log(`| \`${spec}\` | ${ms('native')} ms | ${ms('js')} ms |`);
  }
}
