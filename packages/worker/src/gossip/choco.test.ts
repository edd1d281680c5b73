import { jsKernels, Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import type { NodeSetup } from '../node-setup.js';
import { type ChocoSetup, chocoPeer, chocoScale } from './choco-setup.js';
import type { GossipRound } from './gossip-monitor.js';
import type { GossipAlgorithm, GossipSetup } from './gossip-setup.js';
import { gossipTopology } from './gossip-topology.js';
import { runGossipInline } from './inline-gossip.js';

const D = 40; // synthetic-linear with d = 40: a linear model of 41 parameters

const node: NodeSetup = {
  seed: 5,
  data: { kind: 'synthetic-linear', n: 256, d: D, noise: 0.1 },
  model: { kind: 'linear' },
  loss: 'mse',
  optimizer: { kind: 'sgd', lr: 0.05 },
  local: { epochs: 1, batchSize: 8, maxSteps: 1 },
  kernels: 'js',
};

function setup(rounds: number, choco?: ChocoSetup, algorithm: GossipAlgorithm = { kind: 'consensus' }): GossipSetup {
  return {
    node,
    algorithm,
    peers: 8,
    rounds,
    topology: { kind: 'ring', nodes: 8 },
    inputs: D,
    classes: 0,
    evalEvery: 1,
    roundDeadlineMs: 1000,
    ...(choco ? { choco } : {}),
  };
}

async function run(s: GossipSetup, partition = Array.from({ length: s.peers }, () => new Int32Array(0))) {
  const rounds: GossipRound[] = [];
  await runGossipInline({ run: 't', setup: s, partition, kernels: jsKernels, onRound: (r) => void rounds.push(r) });
  return rounds.map((r) => r.reports.map((x) => x.model as Float32Array));
}

/** x_i⁰ of the consensus peers, as `initialModel` draws them. */
function start(): Float32Array[] {
  return Array.from({ length: 8 }, (_, i) => {
    const v = new Float32Array(D + 1);
    Rng.fromSeed(5).fork('consensus', i).fillNormal(v, 0, 1);
    return v;
  });
}

/** Σ_i x_i in float64, and (1/K) Σ_i ‖x_i − x̄‖². */
function stats(models: Float32Array[]) {
  const sum = new Float64Array(models[0].length);
  for (const m of models) for (let k = 0; k < sum.length; k++) sum[k] += m[k];
  let err = 0;
  for (const m of models) for (let k = 0; k < sum.length; k++) err += (m[k] - sum[k] / models.length) ** 2;
  return { sum, error: err / models.length };
}

describe('CHOCO gossip (Koloskova, Stich, Jaggi 2019)', () => {
  it('with the identity compressor and γ = 1 follows plain gossip averaging to float32 rounding', async () => {
    // x̂_j = x_j up to the rounding of q = x − x̂ and x̂ + q, so x_i + Σ_j W_ij (x̂_j − x̂_i) = Σ_j W_ij x_j
    // (rows sum to 1) up to a few float32 ulps per round; 10 rounds stay within 1e-5 of values of size ~1
    const plain = await run(setup(10));
    const choco = await run(setup(10, { compressor: { kind: 'none' }, gamma: 1 }));
    for (let t = 0; t < 10; t++)
      for (let i = 0; i < 8; i++)
        for (let k = 0; k <= D; k++) expect(Math.abs(choco[t][i][k] - plain[t][i][k])).toBeLessThan(1e-5);
    // and the models are not trivially equal to the start
    expect(stats(plain[9]).error).toBeLessThan(0.5 * stats(start()).error);
  });

  it('D-PSGD with CHOCO (identity, γ = 1) matches plain adapt-then-combine D-PSGD to float32 rounding', async () => {
    const parts = Array.from({ length: 8 }, (_, i) => Int32Array.from({ length: 32 }, (_, k) => i * 32 + k));
    const dpsgd: GossipAlgorithm = { kind: 'dpsgd', order: 'atc', localSteps: 1, batchSize: 8 };
    const plain = await run(setup(5, undefined, dpsgd), parts);
    const choco = await run(setup(5, { compressor: { kind: 'none' }, gamma: 1 }, dpsgd), parts);
    for (let i = 0; i < 8; i++) for (let k = 0; k <= D; k++) expect(choco[4][i][k]).toBeCloseTo(plain[4][i][k], 5);
  });

  it.each([
    ['topk 20%', { kind: 'topk', ratio: 0.2 }, 0.2, 120],
    ['qsgd s=4', { kind: 'qsgd', levels: 4 }, 0.3, 60],
    ['sign', { kind: 'sign' }, 0.2, 120],
  ] as const)(
    'with %s on a ring keeps Σ_i x_i and drives the consensus error 1000× down',
    async (_, compressor, gamma, rounds) => {
      const models = await run(setup(rounds, { compressor, gamma }));
      const s0 = stats(start());
      const last = stats(models[rounds - 1]);
      // W is doubly stochastic: Σ_i Σ_j W_ij (x̂_j − x̂_i) = 0, so the sum moves only by float32 rounding
      for (let k = 0; k <= D; k++) expect(Math.abs(last.sum[k] - s0.sum[k])).toBeLessThan(1e-4);
      expect(last.error).toBeLessThan(s0.error / 1000);
      // halfway the error is already smaller: it decreases along the run
      expect(stats(models[rounds / 2 - 1]).error).toBeLessThan(s0.error / 5);
    },
  );

  it('moves more slowly than plain gossip with aggressive compression (it really compresses)', async () => {
    const plain = await run(setup(20));
    const choco = await run(setup(20, { compressor: { kind: 'topk', count: 2 }, gamma: 0.2 }));
    expect(stats(choco[19]).error).toBeGreaterThan(10 * stats(plain[19]).error);
  });

  it('scales unbiased compressors into contractions: QSGD by 1/(1 + min(d/s², √d/s)), random-k by k/d', () => {
    expect(chocoScale({ kind: 'qsgd', levels: 4 }, 7850)).toBeCloseTo(1 / (1 + Math.sqrt(7850) / 4), 12); // 1/23.15
    expect(chocoScale({ kind: 'qsgd', levels: 100 }, 400)).toBeCloseTo(1 / 1.04, 12); // d/s² = 0.04 < √d/s = 0.2
    expect(chocoScale({ kind: 'randk', ratio: 0.1, unbiased: true }, 1000)).toBe(0.1);
    expect(chocoScale({ kind: 'dropout', p: 0.25, unbiased: true }, 10)).toBe(0.25);
    for (const kind of ['none', 'fp16', 'sign'] as const) expect(chocoScale({ kind }, 1000)).toBe(1);
    expect(chocoScale({ kind: 'topk', ratio: 0.01 }, 1000)).toBe(1);
  });

  it('refuses error feedback, which counts the residual x_i − x̂_i twice', () => {
    const s = setup(2, { compressor: { kind: 'topk', ratio: 0.2, errorFeedback: true }, gamma: 0.2 });
    expect(() => chocoPeer(s, 0, gossipTopology(s), jsKernels)).toThrow(
      /compression.gossip.errorFeedback must be false with CHOCO/,
    );
  });

  it('refuses a time-varying schedule, whose neighbours change every round', () => {
    const s = {
      ...setup(2, { compressor: { kind: 'none' }, gamma: 1 }),
      topology: { kind: 'one_peer_exponential', nodes: 8 },
    };
    expect(() => gossipTopology(s)).toThrow(
      /algorithm.topology.kind must be a static topology with compression.gossip/,
    );
    expect(() => gossipTopology({ ...s, choco: undefined })).not.toThrow();
  });
});
