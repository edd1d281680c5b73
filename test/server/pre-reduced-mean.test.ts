// The round machine's pre-reduced mean (the threads runtime: pool threads add each Δ into a shared float64
// accumulator, SharedLane.openReduction + markAndDrain, and the machine only rounds it) against the mean at
// the close, on both kernel backends: same bits, the pre-reduced sum is what aggregates when it can, and
// every irregular round (a failure, a non-finite update, a node left out of the sum) falls back exactly.
import { jsKernels, type Kernels, Rng } from '@starling/core';
import { loadBinding, nativeKernels } from '@starling/native';
import {
  type Aggregator,
  meanAggregator,
  RoundMachine,
  type RoundPlan,
  type ServerCommand,
  ServerOptimizer,
} from '@starling/server';
import { markAndDrain, SharedLane } from '@starling/transport';
import { describe, expect, it } from 'vitest';

const SIZE = 1037;
const NODES = Array.from({ length: 12 }, (_, i) => i);
const samplesOf = (node: number) => 3 + ((node * 7) % 5);
const plan: RoundPlan = {
  rounds: 3,
  participation: { kind: 'fraction', value: 1 },
  minCompletion: 0.5,
  deadlineMs: 1000,
  maxClientWeight: 1,
};

function delta(round: number, node: number): Float32Array {
  const x = new Float32Array(SIZE);
  Rng.fromSeed(7)
    .fork('delta', round * 100 + node)
    .fillUniform(x, -3, 3);
  for (let i = node; i < SIZE; i += 97) x[i] *= 1e-5;
  return x;
}

interface Host {
  /** Take part in the shared reduction (as the in-process host does). */
  readonly reduce: boolean;
  /** Node 3 fails (its thread marks it not to be added; the server hears a failure). */
  readonly node3Fails?: boolean;
  /** Node 4's Δ holds a NaN that its thread did not catch: added, then refused by the machine. */
  readonly node4NaN?: boolean;
  /** Node 6 is trained outside the reduction (never marked): its update arrives unclaimed. */
  readonly node6Unmarked?: boolean;
  /** The host's kernels are another backend than the server's (its threads mark every node not to add). */
  readonly otherBackend?: boolean;
}

function countingMean(): Aggregator & { closes: number; streamed: number } {
  const inner = meanAggregator();
  const a = {
    ...inner,
    closes: 0,
    streamed: 0,
    aggregate: (...args: Parameters<Aggregator['aggregate']>) => {
      a.closes++;
      return inner.aggregate(...args);
    },
    stream: (k: Kernels, size: number) => {
      const s = inner.stream?.(k, size) ?? null;
      return (
        s && {
          add: (d: Float32Array, w: number) => {
            a.streamed++;
            s.add(d, w);
          },
          finish: s.finish,
        }
      );
    },
  };
  return a;
}

/** Runs 3 rounds; the "pool threads" train the nodes in a scrambled order and mark each in the chain. */
function run(kernels: Kernels, host: Host) {
  const aggregator = countingMean();
  const m = new RoundMachine(
    new Float32Array(SIZE).fill(0.5),
    NODES,
    plan,
    new ServerOptimizer({ kind: 'plain' }),
    kernels,
    Rng.fromSeed(3),
    { aggregator, expectedSamples: samplesOf },
  );
  const lane = new SharedLane();
  let cmds: ServerCommand[] = m.handle({ type: 'start' });
  for (let guard = 0; guard < 10; guard++) {
    const d = cmds.find((c) => c.type === 'dispatch');
    if (d?.type !== 'dispatch') break;
    const r = d.reduce;
    if (r) r.adopt(lane.openReduction(d.round, d.nodes, r.weights, SIZE, r.backend));
    const claim = host.reduce ? lane.claimReduction(d.round, d.nodes) : null;
    const trained = new Map<number, Float32Array>();
    const add = (i: number) => {
      const x = trained.get(d.nodes[i]);
      if (!x || !claim) throw new Error(`node ${d.nodes[i]} added before it was trained`);
      kernels.accumulate?.(claim.chain.weights[i], x, claim.chain.acc);
    };
    cmds = [];
    const order = d.nodes.map((_, i) => i).sort((a, b) => ((a * 5) % 7) - ((b * 5) % 7) || a - b);
    for (const i of order) {
      const node = d.nodes[i];
      const x = delta(d.round, node);
      if (host.node4NaN && node === 4) x[17] = Number.NaN;
      trained.set(node, x);
      const fails = host.node3Fails === true && node === 3;
      if (claim && !(host.node6Unmarked && node === 6)) {
        markAndDrain(claim.chain, i, !fails && !host.otherBackend, add);
      }
      if (fails) cmds.push(...m.handle({ type: 'failure', round: d.round, node, reason: 'train-failed' }));
      else
        cmds.push(
          ...m.handle({ type: 'update', round: d.round, node, samples: samplesOf(node), trainLoss: 1, delta: x }),
        );
    }
    claim?.release();
  }
  const summaries = cmds.filter((c) => c.type === 'round-closed');
  return { params: Array.from(new Uint32Array(m.params.buffer.slice(0))), aggregator, summaries };
}

const backends: [string, Kernels][] = [
  ['js', jsKernels],
  ['native', nativeKernels(loadBinding())],
];

describe.each(backends)('the pre-reduced mean (%s kernels)', (_name, kernels) => {
  const plain = run(kernels, { reduce: false });

  it('gives the bits of the streaming mean, and the main thread adds nothing', () => {
    expect(plain.aggregator.streamed).toBe(3 * NODES.length);
    const got = run(kernels, { reduce: true });
    expect(got.params).toEqual(plain.params);
    expect(got.aggregator.closes).toBe(0);
    expect(got.aggregator.streamed).toBe(0);
  });

  it('falls back to the close, with the same bits as without it, when a node fails mid-round', () => {
    const want = run(kernels, { reduce: false, node3Fails: true });
    const got = run(kernels, { reduce: true, node3Fails: true });
    expect(got.params).toEqual(want.params);
    expect(got.aggregator.closes).toBe(3);
    expect(got.params).not.toEqual(plain.params);
  });

  it('refuses a non-finite update exactly as before, even though a thread added it', () => {
    const want = run(kernels, { reduce: false, node4NaN: true });
    const got = run(kernels, { reduce: true, node4NaN: true });
    expect(got.params).toEqual(want.params);
    expect(got.aggregator.closes).toBe(3);
    expect(got.params.every((b) => (b & 0x7f800000) !== 0x7f800000)).toBe(true); // every entry finite
  });

  it('adds on the main thread after all when an update arrives that the threads did not add', () => {
    const got = run(kernels, { reduce: true, node6Unmarked: true });
    expect(got.params).toEqual(plain.params);
    expect(got.aggregator.closes).toBe(0);
    expect(got.aggregator.streamed).toBe(3 * NODES.length);
  });

  it('adds on the main thread when the threads could not add with the server backend', () => {
    const got = run(kernels, { reduce: true, otherBackend: true });
    expect(got.params).toEqual(plain.params);
    expect(got.aggregator.closes).toBe(0);
    expect(got.aggregator.streamed).toBe(3 * NODES.length);
  });
});
