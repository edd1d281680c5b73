// The round machine's streaming mean (RoundMachineOptions.expectedSamples, Aggregator.stream) against the
// mean at the close, on both kernel backends: same bits, and the stream is what aggregates when it can.
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
import { describe, expect, it } from 'vitest';

const SIZE = 1037; // two 512-entry blocks of the native weighted_sum and a tail
const NODES = Array.from({ length: 12 }, (_, i) => i);
const samplesOf = (node: number) => 3 + ((node * 7) % 5);

const plan = (over: Partial<RoundPlan> = {}): RoundPlan => ({
  rounds: 3,
  participation: { kind: 'count', value: 6 },
  minCompletion: 0.5,
  deadlineMs: 1000,
  maxClientWeight: 1,
  ...over,
});

/** The mean, counting the rounds it aggregated at the close (the fallback) rather than by its stream. */
function countingMean(): Aggregator & { closes: number } {
  const inner = meanAggregator();
  const a = {
    ...inner,
    closes: 0,
    aggregate: (...args: Parameters<Aggregator['aggregate']>) => {
      a.closes++;
      return inner.aggregate(...args);
    },
  };
  return a;
}

/** A seeded Δ for (round, node), with values spread over several binades. */
function delta(round: number, node: number): Float32Array {
  const x = new Float32Array(SIZE);
  Rng.fromSeed(7)
    .fork('delta', round * 100 + node)
    .fillUniform(x, -3, 3);
  for (let i = node; i < SIZE; i += 97) x[i] *= 1e-5;
  return x;
}

interface Replies {
  /** Reverses the arrival order within each round (default: dispatch order). */
  readonly reverse?: boolean;
  /** Reports this sample count for node 5 instead of its expected one. */
  readonly node5Samples?: number;
  /** Node 3 fails in every round it is selected. */
  readonly node3Fails?: boolean;
}

/** Runs 3 rounds with (or without) expected counts; returns the final params and the aggregator. */
function run(kernels: Kernels, streaming: boolean, p: RoundPlan, replies: Replies = {}) {
  const aggregator = countingMean();
  const m = new RoundMachine(
    new Float32Array(SIZE).fill(0.5),
    NODES,
    p,
    new ServerOptimizer({ kind: 'plain' }),
    kernels,
    Rng.fromSeed(3),
    { aggregator, expectedSamples: streaming ? samplesOf : undefined },
  );
  let cmds: ServerCommand[] = m.handle({ type: 'start' });
  for (let guard = 0; guard < 10; guard++) {
    const d = cmds.find((c) => c.type === 'dispatch');
    if (d?.type !== 'dispatch') break;
    const nodes = replies.reverse ? [...d.nodes].reverse() : d.nodes;
    cmds = [];
    for (const node of nodes) {
      if (replies.node3Fails && node === 3) {
        cmds.push(...m.handle({ type: 'failure', round: d.round, node, reason: 'test' }));
        continue;
      }
      const samples = node === 5 && replies.node5Samples !== undefined ? replies.node5Samples : samplesOf(node);
      cmds.push(
        ...m.handle({ type: 'update', round: d.round, node, samples, trainLoss: 1, delta: delta(d.round, node) }),
      );
    }
  }
  return { params: new Uint32Array(m.params.buffer.slice(0)), closes: aggregator.closes };
}

const backends: [string, Kernels][] = [
  ['js', jsKernels],
  ['native', nativeKernels(loadBinding())],
];

describe.each(backends)('the streaming mean (%s kernels)', (_name, kernels) => {
  it('gives the bits of the mean at the close, in any arrival order, and is what aggregates', () => {
    const want = run(kernels, false, plan());
    expect(want.closes).toBe(3);
    for (const reverse of [false, true]) {
      const got = run(kernels, true, plan(), { reverse });
      expect(got.params).toEqual(want.params);
      expect(got.closes).toBe(0);
    }
  });

  it('keeps the bits with capped weights', () => {
    const p = plan({ maxClientWeight: 0.2 });
    expect(run(kernels, true, p).params).toEqual(run(kernels, false, p).params);
  });

  it('falls back to the close when a reply reports another sample count', () => {
    const p = plan({ participation: { kind: 'fraction', value: 1 } });
    const want = run(kernels, false, p, { node5Samples: 40 });
    const got = run(kernels, true, p, { node5Samples: 40 });
    expect(got.params).toEqual(want.params);
    expect(got.closes).toBe(3);
    expect(got.params).not.toEqual(run(kernels, true, p).params);
  });

  it('falls back to the close when a selected node fails', () => {
    const p = plan({ participation: { kind: 'fraction', value: 1 } });
    const got = run(kernels, true, p, { node3Fails: true });
    expect(got.params).toEqual(run(kernels, false, p, { node3Fails: true }).params);
    expect(got.closes).toBe(3);
  });
});
