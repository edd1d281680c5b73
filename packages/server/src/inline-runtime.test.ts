import { DenseNet, jsKernels, makeCompressor, NodeTrainer, Rng, type StepOptimizer } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { Downlink } from './downlink.js';
import { type InlineClients, runInline } from './inline-runtime.js';
import { RoundMachine } from './round-machine.js';
import { ServerOptimizer } from './server-optimizer.js';
import type { RoundTraffic } from './traffic.js';
import { UpdateDecoder } from './update-decoder.js';

/** A few trainers as the inline runtime's clients. */
const clients = (trainers: ReadonlyMap<number, NodeTrainer>): InlineClients => ({
  has: (id) => trainers.has(id),
  train: (id, global, round, plan, delta) => trainers.get(id)!.train(global, round, plan, delta),
});

const sgd = (lr: number): StepOptimizer => ({
  step: (p, g) => jsKernels.optimizerStep({ kind: 'sgd', lr, weightDecay: 0 }, p, g, []),
});

describe('runInline', () => {
  it('FedSGD over all clients equals one full-batch gradient step on the union of their data', async () => {
    const rng = Rng.fromSeed(3);
    const n = 12;
    const d = 3;
    const x = new Float32Array(n * d);
    rng.fillNormal(x);
    const y = Float32Array.from({ length: n }, () => rng.normal());
    const data = { x, y, n, d, classes: 0 };
    const model = new DenseNet({ inputs: d, hidden: [], outputs: 1, activation: 'identity', init: 'xavier' });
    const start = new Float32Array(model.layout.size);
    model.init(start, rng.fork('init'));
    const lr = 0.1;

    // Reference: one gradient step of the mean loss over all n examples.
    const grad = new Float32Array(model.layout.size);
    model.lossAndGrad(jsKernels, 'mse', start, x, y, n, grad);
    const expected = start.map((p, i) => p - lr * grad[i]);

    // Three clients with unequal shares (5, 4, 3), one full-batch step each, weighted by n_k.
    const parts = [Int32Array.of(0, 1, 2, 3, 4), Int32Array.of(5, 6, 7, 8), Int32Array.of(9, 10, 11)];
    const nodes = new Map(
      parts.map((idx, k) => [k, new NodeTrainer(k, model, 'mse', jsKernels, data, idx, sgd(lr), rng.fork('node', k))]),
    );
    const global = start.slice();
    const plan = {
      rounds: 1,
      participation: { kind: 'fraction' as const, value: 1 },
      minCompletion: 1,
      deadlineMs: null,
      maxClientWeight: 1,
    };
    const m = new RoundMachine(global, [0, 1, 2], plan, new ServerOptimizer({ kind: 'plain' }), jsKernels, rng);
    const rounds = await runInline(m, clients(nodes), { epochs: 1, batchSize: null }, () => {});
    expect(rounds).toBe(1);
    for (let i = 0; i < expected.length; i++) expect(global[i]).toBeCloseTo(expected[i], 5);
  });

  it('counts exactly the bytes and theoretical bits the encoders emitted, and trains from the downlink copy', async () => {
    const rng = Rng.fromSeed(5);
    const n = 40;
    const d = 6;
    const x = new Float32Array(n * d);
    rng.fillNormal(x);
    const y = Float32Array.from({ length: n }, () => rng.normal());
    const data = { x, y, n, d, classes: 0 };
    const model = new DenseNet({ inputs: d, hidden: [5], outputs: 1, activation: 'tanh', init: 'xavier' });
    const global = new Float32Array(model.layout.size);
    model.init(global, rng.fork('init'));
    const parts = [0, 1, 2, 3].map((k) => Int32Array.from({ length: 10 }, (_, i) => 10 * k + i));
    const nodes = new Map(
      parts.map((idx, k) => [k, new NodeTrainer(k, model, 'mse', jsKernels, data, idx, sgd(0.1), rng.fork('node', k))]),
    );
    const plan = {
      rounds: 3,
      participation: { kind: 'count' as const, value: 2 },
      minCompletion: 1,
      deadlineMs: null,
      maxClientWeight: 1,
    };
    const m = new RoundMachine(global, [0, 1, 2, 3], plan, new ServerOptimizer({ kind: 'plain' }), jsKernels, rng);
    const compressors = [0, 1, 2, 3].map(() =>
      makeCompressor({ kind: 'qsgd', levels: 3, errorFeedback: true }, model.layout),
    );
    const emitted = { bytes: 0, bits: 0 };
    const encodeUp = (node: number, delta: Float32Array, round: number) => {
      const e = compressors[node].compress(delta, { rng: rng.fork('compress-up', node), round });
      emitted.bytes += e.bytes.length;
      emitted.bits += e.theoreticalBits;
      return { ...e, codec: 'qsgd' };
    };
    const downlink = new Downlink({ kind: 'topk', ratio: 0.5 }, 'delta', model.layout, jsKernels, rng.fork('down'));
    const seen: RoundTraffic[] = [];
    const decoder = new UpdateDecoder('qsgd', model.layout, jsKernels);
    await runInline(m, clients(nodes), { epochs: 1, batchSize: null }, (_s, t) => void seen.push(t), {
      encodeUp,
      decoder,
      downlink,
    });
    const total = (k: keyof RoundTraffic) => seen.reduce((a, t) => a + t[k], 0);
    expect(seen).toHaveLength(3);
    expect(total('payloadBytesUp')).toBe(emitted.bytes);
    expect(total('theoreticalBitsUp')).toBe(emitted.bits);
    expect(total('bytesUp')).toBe(emitted.bytes);
    // w = 1 + ⌈log2 4⌉ = 3 bits per entry after a 16-byte header, padded to a byte.
    const size = model.layout.size;
    expect(emitted.bytes).toBe(6 * (16 + Math.ceil((3 * size) / 8)));
    expect(emitted.bits).toBe(6 * (32 + 3 * size));
    // Round 0 ships the raw model to both selected nodes; the copy was advanced at every dispatch.
    expect(seen[0].payloadBytesDown).toBe(2 * 4 * size);
    expect(downlink.heldRound).toBe(2);
  });
});
