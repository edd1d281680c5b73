// Network emulation on real messages (`systems.emulate`, docs/systems.md#network-emulation): does a socketed
// run's wall time per round follow its virtual-clock prediction? Each case runs the real CLI on a small
// FedAvg (MNIST 2,000 examples, 784-200-10 MLP = 159,010 parameters, 636 KB each way, 4 clients, all per
// round, E = 1, B = 20) with links of 50 ms latency and 20 Mbit/s each way and 1 ms of virtual compute per
// example, and compares, round by round, the wall time (difference of consecutive `time_s`) with the
// virtual round length (`round_time_s`). First round (startup) and last (evaluation) excluded.
// The same run without `emulate` is the contrast: its wall per round is the real cost only.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(repo, 'packages/cli/bin/starling.js');
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const config = (rounds, network, compute) => ({
  name: 'bench-emulation',
  seed: 1,
  data: { kind: 'mnist', limit: 2000, testFraction: 0.2 },
  model: { kind: 'mlp', hidden: [200] },
  loss: { kind: 'softmax_ce' },
  optimizer: { kind: 'sgd', lr: 0.05 },
  algorithm: { kind: 'fedavg', rounds, clients: 4, fraction: 1, localEpochs: 1, batchSize: 20 },
  eval: { every: 100000 },
  systems: { compute: { per: 'example', seconds: compute }, network },
});

function rounds(cfg, runtime, emulate) {
  const dir = mkdtempSync(join(tmpdir(), 'starling-bench-emul-'));
  const file = join(dir, 'cfg.json');
  writeFileSync(file, JSON.stringify({ ...cfg, systems: { ...cfg.systems, emulate } }));
  const out = join(dir, 'run');
  const args = [bin, 'run', file, '--set', `runtime=${runtime}`, '--kernels', 'native', '--out', out, '--quiet'];
  const r = spawnSync(process.execPath, [...args, '--json'], { cwd: repo, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${runtime} run failed: ${r.stderr}`);
  const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const wall = lines.slice(1, -1).map((l, i) => l.time_s - lines[i].time_s);
  const virtual = lines.slice(1, -1).map((l) => l.round_time_s);
  return { wall, virtual, summary: JSON.parse(r.stdout) };
}

export default async function* run(options = {}) {
  const n = options.quick ? 6 : 12;
  const repeats = options.repeats ?? 1;
  const homogeneous = { uplinkBps: 2e7, downlinkBps: 2e7, latencyS: 0.05 };
  const cases = [
    ['threads', '{kind: threads}', homogeneous, 0.001],
    [
      'threads, lognormal links',
      '{kind: threads}',
      { ...homogeneous, uplinkBps: { kind: 'lognormal', median: 2e7, sigma: 0.5 } },
      0.001,
    ],
    ['threads, 1 % packet loss', '{kind: threads}', { ...homogeneous, lossRate: 0.01 }, 0.001],
  ];
  if (!options.quick) cases.push(['processes (2)', '{kind: processes, workers: 2}', homogeneous, 0.001]);
  const load = loadavg()[0];
  for (const [name, runtime, network, compute] of cases) {
    const cfg = config(n, network, compute);
    const ratios = [];
    const walls = [];
    const virt = [];
    const plain = [];
    let sha = '';
    let plainSha = '';
    for (let rep = 0; rep < repeats; rep++) {
      const e = rounds(cfg, runtime, true);
      ratios.push(...e.wall.map((w, i) => w / e.virtual[i]));
      walls.push(...e.wall);
      virt.push(...e.virtual);
      sha = e.summary.model_sha256;
      const p = rounds(cfg, runtime, false);
      plain.push(...p.wall);
      plainSha = p.summary.model_sha256;
    }
    yield {
      name,
      latency_ms: 50,
      mbit_s: 20,
      median_virtual_round_s: median(virt),
      median_wall_round_s: median(walls),
      median_ratio: median(ratios),
      min_ratio: Math.min(...ratios),
      max_ratio: Math.max(...ratios),
      wall_round_s_without_emulate: median(plain),
      same_bits: sha === plainSha,
      median_of: ratios.length,
      load_1m: load,
    };
  }
}
