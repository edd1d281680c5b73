// Per-round overhead of the socketed runtimes over inline, on the 100-client FedAvg config
// (experiments/fedavg-mnist-iid.yaml: C = 0.1, E = 1, B = 10, 2NN). Each runtime runs the same
// rounds through the real CLI; runtimes alternate within each repeat so machine load falls on all
// alike. Round time = difference of consecutive `time_s` in metrics.jsonl (first round and the
// evaluated last round excluded). Reports medians and the ratio to inline in the same run, and the
// 1-minute load average before and after (the machine is shared: other work inflates the socketed
// runtimes more than inline, since they need both cores).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(repo, 'packages/cli/bin/starling.js');
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function roundTimes(runtime, rounds) {
  const out = join(mkdtempSync(join(tmpdir(), 'starling-bench-')), 'run');
  const args = [bin, 'run', 'experiments/fedavg-mnist-iid.yaml', '--set', `algorithm.rounds=${rounds}`];
  args.push('--set', 'eval.every=100000', '--set', `runtime.kind=${runtime}`, '--out', out, '--quiet', '--json');
  const r = spawnSync(process.execPath, args, { cwd: repo, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${runtime} run failed: ${r.stderr}`);
  const t = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l).time_s);
  const summary = JSON.parse(r.stdout);
  return {
    times: t.slice(1, -1).map((x, i) => (x - t[i]) * 1000),
    backend: summary.backend,
    bytesUp: summary.bytes_up,
  };
}

export default async function* run(options = {}) {
  const rounds = options.quick ? 6 : 12;
  const repeats = options.repeats ?? (options.quick ? 1 : 3);
  const runtimes = ['inline', 'threads', 'processes'];
  const samples = Object.fromEntries(runtimes.map((r) => [r, []]));
  let backend = 'js';
  const loadBefore = loadavg()[0];
  for (let rep = 0; rep < repeats; rep++) {
    for (const rt of runtimes) {
      const r = roundTimes(rt, rounds);
      samples[rt].push(...r.times);
      backend = r.backend;
    }
  }
  const base = median(samples.inline);
  const load = `${loadBefore.toFixed(2)} -> ${loadavg()[0].toFixed(2)}`;
  for (const rt of runtimes) {
    const m = median(samples[rt]);
    yield {
      name: 'fedavg round (100 clients, 10 per round)',
      runtime: rt,
      backend,
      median_round_ms: m,
      overhead_vs_inline: m / base - 1,
      median_of: samples[rt].length,
      load_1m: load,
    };
  }
}
