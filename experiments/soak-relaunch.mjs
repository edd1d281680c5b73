#!/usr/bin/env node
// A long `processes` run with churn: `starling run` (FedAvg on MNIST, experiments/fedavg-mnist-iid.yaml)
// over W worker processes, one of which is killed with SIGKILL every --every rounds; the run's own
// supervisor starts it again (`runtime.restarts`) and the server holds its nodes meanwhile, so no round
// should lose a participant. The same run without kills goes first, as the reference. Prints one JSON
// line: rounds, kills, relaunches, rounds that aggregated nothing or lost participants, the run
// process's RSS after warm-up and at the end (median of the last tenth) and its growth, both wall times,
// and whether the final model bits equal the undisturbed run's. Exits 1 when any of that is off.
//
//   node experiments/soak-relaunch.mjs [--rounds 2000] [--workers 2] [--every 100] [--set path=value]...
//
// Too long for the test suite (a few minutes on 2 cores). Needs `npx tsc -b` first.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { metricsOf, roundsDone, rssMb, soakArgs, soakFigures } from './lib/soak-common.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(repo, 'packages/cli/bin/starling.js');
const { opts, sets } = soakArgs(process.argv.slice(2), { rounds: 2000, workers: 2, every: 100 });
const killsPerHost = Math.ceil(opts.rounds / opts.every / opts.workers) + 1;
const runtime = `{kind: processes, workers: ${opts.workers}, restarts: {max: ${killsPerHost}, windowS: 3600}}`;

/** The run's worker processes: its children whose command line names the worker entry. */
function workerPids(pid) {
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return kids.map(Number).filter((k) => {
      try {
        return readFileSync(`/proc/${k}/cmdline`, 'utf8').split('\0').includes('worker');
      } catch {
        return false;
      }
    });
  } catch {
    return [];
  }
}

/** One `starling run`; kills a worker every `every` rounds when `churn`. */
async function run(churn) {
  const out = join(mkdtempSync(join(tmpdir(), 'starling-soak-')), 'run');
  const args = [bin, 'run', 'experiments/fedavg-mnist-iid.yaml', '--set', `algorithm.rounds=${opts.rounds}`];
  args.push('--set', 'eval.every=100', '--set', `runtime=${runtime}`, ...sets.flatMap((s) => ['--set', s]));
  args.push('--out', out, '--quiet', '--json', '--kernels', 'native');
  const child = spawn(process.execPath, args, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise((res) => child.on('exit', (code, signal) => res(code ?? signal)));
  let finished = false;
  done.then(() => (finished = true));
  const samples = [];
  let kills = 0;
  let nextKill = opts.every;
  const t0 = performance.now();
  while (!finished) {
    await new Promise((r) => setTimeout(r, 250));
    const at = roundsDone(out);
    const rss = rssMb(child.pid);
    if (rss !== null) samples.push([at, rss]);
    const pids = workerPids(child.pid);
    if (churn && at >= nextKill && at < opts.rounds - 10 && pids.length === opts.workers) {
      process.kill(pids[kills % pids.length], 'SIGKILL');
      kills++;
      nextKill += opts.every;
    }
  }
  const exit = await done;
  const wall_s = Math.round((performance.now() - t0) / 100) / 10;
  if (exit !== 0) console.error(stderr.slice(-2000));
  const summary = exit === 0 ? JSON.parse(stdout) : {};
  return { exit, kills, wall_s, summary, figures: soakFigures(metricsOf(out), samples, opts), out };
}

const loadBefore = loadavg()[0];
const calm = await run(false);
const churn = await run(true);
const result = {
  ...churn.figures,
  workers: opts.workers,
  kills: churn.kills,
  host_relaunches: churn.summary.host_relaunches ?? null,
  same_bits: churn.summary.model_sha256 === calm.summary.model_sha256,
  model_sha256: churn.summary.model_sha256?.slice(0, 12),
  wall_s: churn.wall_s,
  wall_undisturbed_s: calm.wall_s,
  rss_growth_undisturbed: calm.figures.rss_growth,
  exit: churn.exit,
  load_before: loadBefore,
  load_after: loadavg()[0],
  out: churn.out,
};
console.log(JSON.stringify(result));
const ok =
  calm.exit === 0 &&
  churn.exit === 0 &&
  result.same_bits &&
  result.rounds === opts.rounds &&
  result.not_aggregated === 0 &&
  result.rounds_with_failures === 0 &&
  result.rss_growth !== null &&
  result.rss_growth < 0.1;
process.exit(ok ? 0 : 1);
