// Two real threads on one ReductionChain (packages/transport/src/reduction-chain.ts, the built module), as
// the two pool threads of a threads round: one marks the even order indices, the other the odd ones, each
// after a short nap (training), each draining what is next. The float64 sum must have the bits of one
// thread adding the Δs in order from zero (the accumulator starts stale: the adder of index 0 zeroes it),
// every Δ must be added exactly once, and the float32 sum written by the
// adder of the last index must be the float64 sum rounded.
import { Worker } from 'node:worker_threads';
import { Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';

const P = 199_210; // the 2NN's length
const N = 24;
const HEAD = 2; // CHAIN_HEAD
const chainModule = new URL('../../packages/transport/dist/reduction-chain.js', import.meta.url).href;

/** One thread: marks `nodes` (sleeping `napMs` before each); adds in plain JS, counting who added what. */
const THREAD = `
const { workerData: w, parentPort } = require('node:worker_threads');
import(w.chainModule).then(({ markAndDrain }) => {
  const acc = new Float64Array(w.acc), ctrl = new Int32Array(w.ctrl), deltas = new Float32Array(w.deltas);
  const weights = new Float64Array(w.weights), by = new Int32Array(w.by), go = new Int32Array(w.go);
  const mean = new Float32Array(w.mean);
  const chain = { acc, mean, ctrl, weights, backend: 'js' };
  const nap = new Int32Array(new SharedArrayBuffer(4));
  const add = (i) => {
    const x = deltas.subarray(i * w.p, (i + 1) * w.p), p = weights[i];
    for (let k = 0; k < w.p; k++) acc[k] += p * x[k];
    Atomics.add(by, 2 * i + w.who, 1);
  };
  // start together (a worker's start-up may take longer than the other's whole run)
  Atomics.add(go, 0, 1);
  while (Atomics.load(go, 0) < 2) Atomics.wait(nap, 0, 0, 0.1);
  for (const i of w.nodes) {
    Atomics.wait(nap, 0, 0, w.napMs[i]);
    markAndDrain(chain, i, true, add);
  }
  parentPort.postMessage('done');
});
`;

describe('a reduction chain shared by two threads', () => {
  it('has the bits of one thread adding in order, each Δ added once, and the rounded sum', async () => {
    const sab = (bytes: number) => new SharedArrayBuffer(bytes);
    const shared = {
      acc: sab(8 * P),
      mean: sab(4 * P),
      ctrl: sab(4 * (HEAD + N)),
      deltas: sab(4 * N * P),
      weights: sab(8 * N),
      by: sab(4 * 2 * N), // per node: adds by thread 0 and by thread 1
      go: sab(4),
    };
    const deltas = new Float32Array(shared.deltas);
    Rng.fromSeed(11).fork('deltas', 0).fillUniform(deltas, -1, 1);
    const weights = new Float64Array(shared.weights);
    for (let i = 0; i < N; i++) weights[i] = (i + 1) / ((N * (N + 1)) / 2);
    new Float64Array(shared.acc).fill(Number.NaN); // a stale sum
    // thread 1 (odd indices) trains 3× slower, so both threads usually add (which one adds what depends on
    // the scheduler; the lock hand-over itself is tested deterministically in reduction-chain.test.ts)
    const napMs = Array.from({ length: N }, (_, i) => (i % 2 === 1 ? 1.5 : 0.5));
    const thread = (who: number) =>
      new Promise<void>((resolve, reject) => {
        const nodes = Array.from({ length: N / 2 }, (_, k) => 2 * k + who);
        const t = new Worker(THREAD, { eval: true, workerData: { ...shared, chainModule, p: P, who, nodes, napMs } });
        t.on('message', () => resolve());
        t.on('error', reject);
      });
    await Promise.all([thread(0), thread(1)]);

    const want = new Float64Array(P);
    for (let i = 0; i < N; i++) for (let k = 0; k < P; k++) want[k] += weights[i] * deltas[i * P + k];
    expect(Array.from(new Float64Array(shared.acc))).toEqual(Array.from(want));
    expect(Array.from(new Float32Array(shared.mean))).toEqual(Array.from(Float32Array.from(want)));
    expect(new Int32Array(shared.ctrl)[0]).toBe(N); // next: complete
    const by = new Int32Array(shared.by);
    const perNode = Array.from({ length: N }, (_, i) => by[2 * i] + by[2 * i + 1]);
    expect(perNode).toEqual(new Array(N).fill(1));
  });
});
