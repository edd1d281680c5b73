// CURVE's cost on round time: the 100-client FedAvg config (experiments/fedavg-mnist-iid.yaml: C = 0.1,
// E = 1, B = 10, 2NN, 199,210 parameters) as a real cluster on loopback: `starling server` and two
// `starling worker` processes (one training thread each), once in plaintext and once with CURVE (keys from
// `starling keys generate`, `--key/--allow` and `--key/--server-key`). The two alternate within each repeat
// so machine load falls on both alike. Round time = difference of consecutive `time_s` in metrics.jsonl
// (first round and the last round excluded). Reports medians, the ratio CURVE / plain in the same run, the
// bytes per round, and the 1-minute load average before and after.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(repo, 'packages/cli/bin/starling.js');
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function keysIn(dir) {
  const keys = join(dir, 'keys');
  const allow = join(dir, 'allow');
  mkdirSync(allow, { recursive: true });
  for (const name of ['server', 'w0', 'w1']) {
    const r = spawnSync(process.execPath, [bin, 'keys', 'generate', '--name', name, '--out', keys], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`starling keys generate failed: ${r.stderr}`);
    if (name !== 'server') copyFileSync(join(keys, `${name}.key`), join(allow, `${name}.key`));
  }
  return { keys, allow };
}

function exited(child, what) {
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve(err) : reject(new Error(`${what} exited ${code}: ${err}`)))),
  );
}

async function clusterRound(curve, rounds, port, k) {
  const out = join(mkdtempSync(join(tmpdir(), 'starling-bench-curve-')), 'run');
  const address = `tcp://127.0.0.1:${port}`;
  const args = [bin, 'server', 'experiments/fedavg-mnist-iid.yaml', '--set', `algorithm.rounds=${rounds}`];
  args.push('--set', 'eval.every=100000', '--bind', address, '--hosts', '2', '--out', out, '--quiet', '--json');
  if (curve) args.push('--key', join(k.keys, 'server.key_secret'), '--allow', k.allow);
  const server = spawn(process.execPath, args, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  server.stdout.on('data', (d) => (stdout += d));
  const serverDone = exited(server, 'server');
  const workers = ['w0', 'w1'].map((name) => {
    const w = ['worker', '--connect', address, '--threads', '1', '--host-id', name];
    if (curve) w.push('--key', join(k.keys, `${name}.key_secret`), '--server-key', join(k.keys, 'server.key'));
    return exited(spawn(process.execPath, [bin, ...w], { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] }), name);
  });
  await Promise.all([serverDone, ...workers]);
  const t = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l).time_s);
  const summary = JSON.parse(stdout);
  return {
    times: t.slice(1, -1).map((x, i) => (x - t[i]) * 1000),
    backend: summary.backend,
    bytesPerRound: (summary.bytes_up + summary.bytes_down) / summary.rounds,
    sha: summary.model_sha256,
  };
}

export default async function* run(options = {}) {
  const rounds = options.quick ? 6 : 14;
  const repeats = options.repeats ?? (options.quick ? 1 : 3);
  const k = keysIn(mkdtempSync(join(tmpdir(), 'starling-bench-keys-')));
  const samples = { plain: [], curve: [] };
  const bytes = {};
  const shas = new Set();
  let backend = 'js';
  const loadBefore = loadavg()[0];
  let port = 17600 + (process.pid % 200);
  for (let rep = 0; rep < repeats; rep++) {
    for (const mode of rep % 2 === 0 ? ['plain', 'curve'] : ['curve', 'plain']) {
      const r = await clusterRound(mode === 'curve', rounds, port++, k);
      samples[mode].push(...r.times);
      bytes[mode] = r.bytesPerRound;
      shas.add(r.sha);
      backend = r.backend;
    }
  }
  const base = median(samples.plain);
  const load = `${loadBefore.toFixed(2)} -> ${loadavg()[0].toFixed(2)}`;
  for (const mode of ['plain', 'curve']) {
    const m = median(samples[mode]);
    yield {
      name: 'cluster fedavg round (server + 2 workers, 10 clients per round)',
      transport: mode,
      backend,
      median_round_ms: m,
      ratio_vs_plain: m / base,
      mb_per_round: bytes[mode] / 2 ** 20,
      median_of: samples[mode].length,
      same_model: shas.size === 1,
      load_1m: load,
    };
  }
}
