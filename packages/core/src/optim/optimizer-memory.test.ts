import { describe, expect, it } from 'vitest';
import { jsKernels } from '../kernels/js.js';
import { Rng } from '../rng/rng.js';
import { freshOptimizerMemory, Optimizer } from './optimizer.js';
import type { OptimizerSpec } from './optimizer-kinds.js';

const N = 5;
const spec: OptimizerSpec = { kind: 'adam', lr: 0.05, schedule: { kind: 'cosine', totalSteps: 10, minLr: 0.001 } };
const grads = (seed: number) =>
  Array.from({ length: 6 }, (_, t) => {
    const g = new Float32Array(N);
    Rng.fromSeed(seed).fork('g', t).fillNormal(g);
    return g;
  });

describe('Optimizer memory', () => {
  it('one optimizer bound in turn to two clients steps each exactly as that client’s own optimizer', () => {
    const [ga, gb] = [grads(1), grads(2)];
    const own = [new Optimizer(spec, N, jsKernels), new Optimizer(spec, N, jsKernels)];
    const wantA = new Float32Array(N).fill(0.5);
    const wantB = new Float32Array(N).fill(-0.5);
    for (let t = 0; t < 6; t++) {
      own[0].step(wantA, ga[t].slice());
      own[1].step(wantB, gb[t].slice());
    }
    const shared = new Optimizer(spec, N, jsKernels);
    const [ma, mb] = [freshOptimizerMemory(), freshOptimizerMemory()];
    const gotA = new Float32Array(N).fill(0.5);
    const gotB = new Float32Array(N).fill(-0.5);
    // Client A takes two steps per "round", B one, interleaved: the schedule and moments follow each client.
    for (let t = 0, u = 0; t < 6; t += 2, u++) {
      shared.bind(ma);
      shared.step(gotA, ga[t].slice());
      shared.step(gotA, ga[t + 1].slice());
      shared.bind(mb);
      shared.step(gotB, gb[u].slice());
    }
    shared.bind(mb);
    for (let u = 3; u < 6; u++) shared.step(gotB, gb[u].slice());
    expect(Array.from(gotA)).toEqual(Array.from(wantA));
    expect(Array.from(gotB)).toEqual(Array.from(wantB));
    expect(ma.step).toBe(6);
    expect(shared.state()).toEqual(own[1].state());
  });

  it('allocates state vectors on first use only, and none for plain SGD', () => {
    const memory = freshOptimizerMemory();
    const momentum = new Optimizer({ kind: 'momentum', lr: 0.1 }, N, jsKernels);
    momentum.bind(memory);
    expect(memory.slots).toBeNull();
    momentum.step(new Float32Array(N), new Float32Array(N).fill(1));
    expect(memory.slots?.map((s) => Array.from(s))).toEqual([[1, 1, 1, 1, 1]]);
    const plain = freshOptimizerMemory();
    const sgd = new Optimizer({ kind: 'sgd', lr: 0.1 }, N, jsKernels);
    sgd.bind(plain);
    sgd.step(new Float32Array(N), new Float32Array(N));
    expect(plain).toEqual({ step: 1, slots: [] });
  });

  it('refuses memory whose vectors do not fit the optimizer', () => {
    const opt = new Optimizer({ kind: 'adam' }, N, jsKernels, 'algorithm.optimizer');
    expect(() => opt.bind({ step: 0, slots: [new Float32Array(N)] })).toThrow(/algorithm.optimizer memory/);
    expect(() => opt.bind({ step: 0, slots: [new Float32Array(N), new Float32Array(N - 1)] })).toThrow(
      /2 vectors of length 5/,
    );
  });
});
