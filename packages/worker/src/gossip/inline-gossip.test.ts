import { jsKernels, loadData, makeModel, Rng } from '@starling/core';
import { buildTopology, mixingLambda2 } from '@starling/topologies';
import { describe, expect, it } from 'vitest';
import type { NodeSetup } from '../node-setup.js';
import type { GossipRound } from './gossip-monitor.js';
import type { GossipAlgorithm, GossipSetup } from './gossip-setup.js';
import { runGossipInline } from './inline-gossip.js';

const node: NodeSetup = {
  seed: 3,
  data: { kind: 'synthetic-linear', n: 64, d: 6, noise: 0.1 },
  model: { kind: 'linear' },
  loss: 'mse',
  optimizer: { kind: 'sgd', lr: 0.05 },
  local: { epochs: 1, batchSize: 4, maxSteps: 1 },
  kernels: 'js',
};

function setup(topology: GossipSetup['topology'], algorithm: GossipAlgorithm, rounds: number): GossipSetup {
  return {
    node,
    algorithm,
    peers: topology.nodes,
    rounds,
    topology,
    inputs: 6,
    classes: 0,
    evalEvery: 1,
    roundDeadlineMs: 1000,
  };
}

async function run(s: GossipSetup, partition = Array.from({ length: s.peers }, () => new Int32Array(0))) {
  const rounds: GossipRound[] = [];
  await runGossipInline({ run: 't', setup: s, partition, kernels: jsKernels, onRound: (r) => void rounds.push(r) });
  return rounds;
}

/** (1/K) Σ_i ‖x_i − x̄‖² in float64. */
function consensusError(models: Float32Array[]): number {
  const d = models[0].length;
  let e = 0;
  for (let k = 0; k < d; k++) {
    const mean = models.reduce((s, m) => s + m[k], 0) / models.length;
    for (const m of models) e += (m[k] - mean) ** 2;
  }
  return e / models.length;
}

describe('runGossipInline', () => {
  it('one-peer exponential gossip on 16 peers reaches the exact average after log2(16) = 4 rounds', async () => {
    const s = setup({ kind: 'one_peer_exponential', nodes: 16 }, { kind: 'consensus' }, 4);
    const rounds = await run(s);
    const x0 = Array.from({ length: 16 }, (_, i) => {
      const v = new Float32Array(7);
      Rng.fromSeed(3).fork('consensus', i).fillNormal(v, 0, 1);
      return v;
    });
    const mean = Array.from({ length: 7 }, (_, k) => x0.reduce((a, v) => a + v[k], 0) / 16);
    const last = rounds[3].reports.map((r) => r.model as Float32Array);
    for (const m of last) for (let k = 0; k < 7; k++) expect(Math.abs(m[k] - mean[k])).toBeLessThan(1e-6);
    expect(consensusError(rounds[2].reports.map((r) => r.model as Float32Array))).toBeGreaterThan(1e-3);
  });

  it.each([
    ['ring', { kind: 'ring', nodes: 16 }],
    ['torus', { kind: 'torus', nodes: 16 }],
    ['exponential', { kind: 'exponential', nodes: 16 }],
  ] as const)('consensus on a %s contracts the disagreement by at least |λ₂|² per round', async (_, topo) => {
    const lambda2 = mixingLambda2(buildTopology(topo).mixing!).lambda2;
    const rounds = await run(setup(topo, { kind: 'consensus' }, 12));
    const errors = rounds.map((r) => consensusError(r.reports.map((x) => x.model as Float32Array)));
    for (let t = 1; t < errors.length; t++)
      expect(errors[t]).toBeLessThanOrEqual(lambda2 ** 2 * errors[t - 1] * (1 + 1e-5) + 1e-12);
    expect(errors.at(-1)).toBeLessThan(errors[0]);
  });

  it('combine-then-adapt with one full-batch SGD step is x_i ← Σ_j W_ij x_j − η ∇f_i(x_i) (Lian et al. 2017)', async () => {
    const topo = { kind: 'ring', nodes: 4 } as const;
    const parts = [0, 1, 2, 3].map((i) => Int32Array.from({ length: 16 }, (_, k) => i * 16 + k));
    const s = setup(topo, { kind: 'dpsgd', order: 'cta', localSteps: 1, batchSize: 16 }, 3);
    const full = { ...s, node: { ...node, local: { epochs: 1, batchSize: 16, maxSteps: 1 } } };
    const rounds = await run(full, parts);
    // reference: dense W, gradients straight from the model on each node's examples
    const data = loadData(node.data, Rng.fromSeed(3).fork('data'));
    const model = makeModel(node.model, 6, 0, 'mse');
    const w = buildTopology(topo).mixing!;
    let xs = [0, 1, 2, 3].map(() => {
      const x = new Float32Array(model.layout.size);
      model.init(x, Rng.fromSeed(3).fork('model'));
      return Float64Array.from(x);
    });
    for (let t = 0; t < 3; t++) {
      xs = xs.map((xi, i) => {
        const row = w.rows[i];
        const next = xi.map((v, k) => row.self * v + row.neighbors.reduce((a, e) => a + e.weight * xs[e.node][k], 0));
        const grad = new Float32Array(xi.length);
        const x = Float32Array.from(data.train.x.subarray(i * 16 * 6, (i + 1) * 16 * 6));
        const y = Float32Array.from(data.train.y.subarray(i * 16, (i + 1) * 16));
        model.lossAndGrad(jsKernels, 'mse', Float32Array.from(xi), x, y, 16, grad);
        return next.map((v, k) => v - 0.05 * grad[k]);
      });
    }
    rounds[2].reports.forEach((r, i) => {
      for (let k = 0; k < xs[i].length; k++) expect(r.model![k]).toBeCloseTo(xs[i][k], 5);
    });
    expect(rounds[0].reports[0].trainLoss).toBeGreaterThan(0);
  });

  it('counts each message with its header: 2 messages per peer and round on a ring', async () => {
    const rounds = await run(setup({ kind: 'ring', nodes: 4 }, { kind: 'consensus' }, 2));
    for (const r of rounds[0].reports) {
      expect(r.messagesSent).toBe(2);
      expect(r.messagesReceived).toBe(2);
      expect(r.bytesSent).toBeGreaterThan(2 * 7 * 4);
      expect(r.bytesSent).toBeLessThan(2 * 7 * 4 + 2 * 200);
      expect(Object.keys(r.links).map(Number).sort()).toEqual([(r.node + 3) % 4, (r.node + 1) % 4].sort());
    }
  });
});
