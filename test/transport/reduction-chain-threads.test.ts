// Two real threads on one ReductionChain (packages/transport/src/reduction-chain.ts, the built module): one
// ("host 0") marks the first half of the order slowly, the other ("host 1") marks the second half at once
// and then helps (`helpDrain`), as in a processes round where host 1's Δs wait behind host 0's last node.
// The float64 sum must have the bits of one thread adding the whole vectors in order, every (node, part)
// must be added exactly once, and host 1 must have added a share of the parts (without help, none of the
// first half's).
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';

const P = 199_210; // the 2NN's length
const N = 24;
const PARTS = 4;
const chainModule = new URL('../../packages/transport/dist/reduction-chain.js', import.meta.url).href;

/** One thread: marks `nodes` (sleeping `napMs` before each), then helps if asked; adds in plain JS. */
const THREAD = `
const { workerData: w, parentPort } = require('node:worker_threads');
import(w.chainModule).then(({ markAndDrain, helpDrain, CHAIN_PARTS, chainPart }) => {
  const acc = new Float64Array(w.acc), ctrl = new Int32Array(w.ctrl), deltas = new Float32Array(w.deltas);
  const weights = new Float64Array(w.weights), by = new Int32Array(w.by), go = new Int32Array(w.go);
  const chain = { acc, ctrl, weights, backend: 'js' };
  const nap = new Int32Array(new SharedArrayBuffer(4));
  const add = (i, lo, hi) => {
    const x = deltas.subarray(i * w.p, (i + 1) * w.p), p = weights[i];
    for (let k = lo; k < hi; k++) acc[k] += p * x[k];
    let c = 0;
    while (chainPart(c, w.p).lo !== lo) c++;
    Atomics.add(by, (i * CHAIN_PARTS + c) * 2 + w.who, 1);
  };
  // start together (a worker's start-up may take longer than the other's whole run)
  Atomics.add(go, 0, 1);
  while (Atomics.load(go, 0) < 2) Atomics.wait(nap, 0, 0, 0.1);
  for (const i of w.nodes) {
    if (w.napMs > 0) Atomics.wait(nap, 0, 0, w.napMs);
    markAndDrain(chain, i, true, add);
  }
  if (w.help) helpDrain(chain, add);
  parentPort.postMessage('done');
});
`;

function run(help: boolean) {
  const sab = (bytes: number) => new SharedArrayBuffer(bytes);
  const shared = {
    acc: sab(8 * P),
    ctrl: sab(4 * (1 + 2 * PARTS + N)),
    deltas: sab(4 * N * P),
    weights: sab(8 * N),
    by: sab(4 * 2 * N * PARTS), // per (node, part): adds by thread 0 and by thread 1
    go: sab(4),
  };
  const deltas = new Float32Array(shared.deltas);
  Rng.fromSeed(11).fork('deltas', 0).fillUniform(deltas, -1, 1);
  const weights = new Float64Array(shared.weights);
  for (let i = 0; i < N; i++) weights[i] = (i + 1) / ((N * (N + 1)) / 2);
  new Float64Array(shared.acc).fill(Number.NaN); // a stale sum: each part is zeroed by its first add
  new Int32Array(shared.ctrl)[0] = PARTS; // as ShmRounds opens a processes round (resetChain)
  const half = Array.from({ length: N / 2 }, (_, i) => i);
  const thread = (who: number, nodes: number[], napMs: number) =>
    new Promise<void>((resolve, reject) => {
      const t = new Worker(THREAD, {
        eval: true,
        workerData: { ...shared, chainModule, p: P, who, nodes, napMs, help },
      });
      t.on('message', () => resolve());
      t.on('error', reject);
    });
  return {
    shared,
    deltas,
    weights,
    done: Promise.all([
      thread(0, half, 3),
      thread(
        1,
        half.map((i) => i + N / 2),
        0,
      ),
    ]),
  };
}

function sequential(deltas: Float32Array, weights: Float64Array): Float64Array {
  const acc = new Float64Array(P);
  for (let i = 0; i < N; i++) for (let k = 0; k < P; k++) acc[k] += weights[i] * deltas[i * P + k];
  return acc;
}

describe('a reduction chain shared by two threads', () => {
  it.each([true, false])(
    'has the bits of one thread; the late thread adds a share only with help (%s)',
    async (help) => {
      expect(fileURLToPath(chainModule)).toMatch(/reduction-chain\.js$/);
      const { shared, deltas, weights, done } = run(help);
      await done;
      expect(Array.from(new Float64Array(shared.acc))).toEqual(Array.from(sequential(deltas, weights)));
      const by = new Int32Array(shared.by);
      const adds = (who: number) => Array.from({ length: N * PARTS }, (_, k) => by[2 * k + who]);
      // every (node, part) added exactly once, by one thread or the other
      expect(adds(0).map((a, k) => a + adds(1)[k])).toEqual(new Array(N * PARTS).fill(1));
      const helperShare = adds(1).reduce((a, b) => a + b, 0);
      if (help) {
        // host 1 waited for host 0's nodes and took some of the parts
        expect(helperShare).toBeGreaterThan(0);
      } else {
        // without help host 1 returns at once: it cannot add past host 0's first (pending) node
        expect(helperShare).toBe(0);
      }
    },
  );
});
