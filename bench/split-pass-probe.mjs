// A probe for the next design of the threads and processes runtimes (docs/engine-journal.md, "Session 12"): can
// two threads beat one on the 1,000-client FedAvg node (2NN 784-200-200-10 at batch 8) when nodes are still
// trained alternately, GEMMs and all, but the fused last pass (`sgdDeltaAcc`: step, Δ and the float64 add)
// of every node is cut in two halves of the model's coordinates, thread 0 running the first half of every
// node and thread 1 the second, each in node order? Each thread is then the only adder of its half of the
// sum (it never leaves its core); what crosses cores is half of the other thread's gradient.
//
//   node bench/split-pass-probe.mjs [nodes=4000] [repeats=2]      (after `tsc -b` and the native build)
//
// Env: MODE=independent measures the ideal instead: each thread trains whole nodes into its own sum (no
// order between the threads, nothing shared but the model; the bits of a sum by groups, not of one chain).
// DELTA=1 also writes Δ (as the runtime must, for its fallback); PHASES=1 prints each thread's GEMM,
// half-pass and waiting time. Prints µs per node, one thread against two. The work is the real native
// kernels on constant data (no activations, no batch gather, no runtime around them).
import { Worker } from 'node:worker_threads';

const native = new URL('../packages/native/dist/index.js', import.meta.url).href;
const P = 199_210;
const NODES = Number(process.argv[2] ?? 4000);
const REPEATS = Number(process.argv[3] ?? 2);
const HALF = Math.floor(P / 2 / 16) * 16;
const [W1, W2, W3] = [0, 157_000, 197_200]; // the 2NN's weight offsets (biases in between)
const FLAGS = 8; // ctrl: [started, sleepers, …], then ready[n] at FLAGS + n, read[n] at FLAGS + NODES + n

const THREAD = `
const { workerData: w, parentPort } = require('node:worker_threads');
import(w.native).then(({ loadKernels }) => {
  const k = loadKernels('native').kernels;
  const { P, NODES, FLAGS, HALF, W1, W2, W3 } = w.shape;
  const B = 8;
  const global = new Float32Array(w.global), acc = new Float64Array(w.acc), ctrl = new Int32Array(w.ctrl);
  const arena = w.delta ? new Float32Array(w.arena) : null; // 64 reused Δ slots
  const gradOf = (who, b) => new Float32Array(w.grads, (2 * who + b) * P * 4, P);
  const x = new Float32Array(B * 784).fill(0.1), h1 = new Float32Array(B * 200), h2 = new Float32Array(B * 200);
  const o = new Float32Array(B * 10), d2 = new Float32Array(B * 200), d1 = new Float32Array(B * 200);
  const at = (off, n) => global.subarray(off, off + n);
  const train = (g) => {
    k.gemm(false, false, B, 200, 784, 1, x, at(W1, 156800), 0, h1);
    k.gemm(false, false, B, 200, 200, 1, h1, at(W2, 40000), 0, h2);
    k.gemm(false, false, B, 10, 200, 1, h2, at(W3, 2000), 0, o);
    k.gemm(true, false, 200, 10, B, 1, h2, o, 0, g.subarray(W3, W3 + 2000));
    k.gemm(false, true, B, 200, 10, 1, o, at(W3, 2000), 0, d2);
    k.gemm(true, false, 200, 200, B, 1, h1, d2, 0, g.subarray(W2, W2 + 40000));
    k.gemm(false, true, B, 200, 200, 1, d2, at(W2, 40000), 0, d1);
    k.gemm(true, false, 784, 200, B, 1, x, d1, 0, g.subarray(W1, W1 + 156800));
  };
  const t = { gemm: 0, pass: 0, wait: 0 };
  const timed = (key, f) => { const a = performance.now(); f(); t[key] += performance.now() - a; };
  const waitFor = (i) => timed('wait', () => {
    for (let s = 0; s < 3000; s++) if (Atomics.load(ctrl, i) !== 0) return;
    for (;;) {
      if (Atomics.load(ctrl, i) !== 0) return;
      Atomics.add(ctrl, 1, 1);
      Atomics.wait(ctrl, i, 0, 1);
      Atomics.sub(ctrl, 1, 1);
    }
  });
  const set = (i) => { Atomics.store(ctrl, i, 1); if (Atomics.load(ctrl, 1) > 0) Atomics.notify(ctrl, i); };
  const slot = (n, lo, hi) => (arena ? arena.subarray((n % 64) * P + lo, (n % 64) * P + hi) : null);
  Atomics.add(ctrl, 0, 1);
  while (Atomics.load(ctrl, 0) < w.threads);
  const t0 = performance.now();
  if (w.independent) {
    // the ideal: this thread trains every w.threads-th node whole, into its own gradient, local model and sum
    const g = gradOf(w.who, 0);
    const mine = new Float64Array(w.accs, w.who * P * 8, P);
    const local = new Float32Array(w.locals, w.who * P * 4, P);
    for (let n = w.who; n < NODES; n += w.threads) {
      timed('gemm', () => train(g));
      timed('pass', () => k.sgdDeltaAcc(0.05, 0, local, g, global, slot(n, 0, P), 0.01, mine));
    }
  } else if (w.threads === 1) {
    const g = gradOf(0, 0);
    for (let n = 0; n < NODES; n++) {
      timed('gemm', () => train(g));
      timed('pass', () => k.sgdDeltaAcc(0.05, 0, global, g, global, slot(n, 0, P), 0.01, acc));
    }
  } else {
    const [lo, hi] = w.who === 0 ? [0, HALF] : [HALF, P];
    const gl = global.subarray(lo, hi), al = acc.subarray(lo, hi);
    // node n is trained by thread n % 2 into its gradient buffer (n >> 1) % 2
    for (let pair = 0; pair < NODES / 2; pair++) {
      const mine = 2 * pair + w.who;
      if (pair >= 2) waitFor(FLAGS + NODES + mine - 4); // the other thread is done with this buffer
      timed('gemm', () => train(gradOf(w.who, pair % 2)));
      set(FLAGS + mine);
      for (const n of [2 * pair, 2 * pair + 1]) {
        waitFor(FLAGS + n);
        const g = gradOf(n % 2, pair % 2).subarray(lo, hi);
        timed('pass', () => k.sgdDeltaAcc(0.05, 0, gl, g, gl, slot(n, lo, hi), 0.01, al));
        if (n % 2 !== w.who) set(FLAGS + NODES + n);
      }
    }
  }
  const us = ((performance.now() - t0) * 1000) / NODES;
  const per = (v) => ((v * 1000) / NODES).toFixed(1);
  if (w.phases) console.log(\`  thread \${w.who} of \${w.threads}: µs per node gemm \${per(t.gemm)} pass \${per(t.pass)} wait \${per(t.wait)}\`);
  parentPort.postMessage(us);
});`;

async function once(threads, delta, independent = false) {
  const sab = (bytes) => new SharedArrayBuffer(bytes);
  const shared = { global: sab(4 * P), acc: sab(8 * P), grads: sab(16 * P), ctrl: sab(4 * (FLAGS + 2 * NODES)) };
  if (independent) Object.assign(shared, { accs: sab(8 * P * threads), locals: sab(4 * P * threads) });
  if (delta) shared.arena = sab(4 * 64 * P);
  new Float32Array(shared.global).fill(0.01);
  const shape = { P, NODES, FLAGS, HALF, W1, W2, W3 };
  const phases = process.env.PHASES === '1';
  const runs = Array.from({ length: threads }, (_, who) => {
    const workerData = { ...shared, native, who, threads, delta, shape, phases, independent };
    return new Promise((resolve, reject) => {
      const t = new Worker(THREAD, { eval: true, workerData });
      t.on('message', (us) => {
        resolve(us);
        void t.terminate();
      });
      t.on('error', reject);
    });
  });
  return Math.max(...(await Promise.all(runs)));
}

const delta = process.env.DELTA === '1';
for (let r = 0; r < REPEATS; r++) {
  if (process.env.MODE === 'independent') {
    const one = await once(1, delta, true);
    const two = await once(2, delta, true);
    const what = delta ? 'Δ written' : 'Δ not written';
    console.log(
      `${what}: one thread ${one.toFixed(1)} µs/node, two (whole nodes, own sums) ${two.toFixed(1)} µs/node, ${(one / two).toFixed(2)}×`,
    );
    continue;
  }
  const one = await once(1, delta);
  const two = await once(2, delta);
  const what = delta ? 'Δ written' : 'Δ not written';
  console.log(
    `${what}: one thread ${one.toFixed(1)} µs/node, two (split pass) ${two.toFixed(1)} µs/node, ${(one / two).toFixed(2)}×`,
  );
}
