import { describe, expect, it } from 'vitest';
import { jsKernels } from '../kernels/js.js';
import { makeModel } from '../models/make-model.js';
import { Optimizer } from '../optim/optimizer.js';
import { Rng } from '../rng/rng.js';
import { gather, makeBatch, type TrainingData } from '../train/batch.js';
import { NodeTrainer } from '../train/node-trainer.js';
import { type DpSgdOptions, dpSgdStepsPerRound, lotSampleRate, poissonLot } from './dp-sgd.js';

function blobs(n: number, d: number, classes: number, seed: number): TrainingData {
  const rng = Rng.fromSeed(seed);
  const x = new Float32Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.int(classes);
    for (let j = 0; j < d; j++) x[i * d + j] = rng.normal(j % classes === y[i] ? 1 : 0, 1);
  }
  return { x, y, n, d, classes };
}

const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

function trainer(data: TrainingData, dp: DpSgdOptions, lr = 0.1, hidden: number[] = [8]) {
  const model = makeModel({ kind: 'mlp', hidden, activation: 'tanh' }, data.d, data.classes, 'softmax_ce');
  const params = new Float32Array(model.layout.size);
  model.init(params, Rng.fromSeed(2).fork('model'));
  const optimizer = new Optimizer({ kind: 'sgd', lr }, model.layout.size, jsKernels);
  const rng = Rng.fromSeed(5).fork('node', 0);
  const t = new NodeTrainer(0, model, 'softmax_ce', jsKernels, data, all(data.n), optimizer, rng, { dpSgd: dp });
  return { model, params, t, rng };
}

describe('Poisson lots', () => {
  it('include each example independently with probability q: the lot size varies around q·n', () => {
    const n = 2000;
    const q = 0.05;
    const out = new Int32Array(n);
    const sizes = Array.from({ length: 400 }, (_, t) => poissonLot(all(n), q, Rng.fromSeed(1).fork('step', t), out));
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    const variance = sizes.reduce((a, b) => a + (b - mean) ** 2, 0) / (sizes.length - 1);
    // Binomial(2000, 0.05): mean 100, variance 95; a fixed-size batch would have variance 0.
    expect(Math.abs(mean - 100)).toBeLessThan(3 * Math.sqrt(95 / 400) + 0.5);
    expect(variance).toBeGreaterThan(60);
    expect(variance).toBeLessThan(135);
    expect(poissonLot(all(n), q, Rng.fromSeed(1).fork('step', 3), out)).toBe(sizes[3]);
  });

  it('plans epochs/q steps per round, capped by maxSteps', () => {
    expect(dpSgdStepsPerRound({ epochs: 2, batchSize: 10 }, 0.01)).toBe(200);
    expect(dpSgdStepsPerRound({ epochs: 1, batchSize: null, maxSteps: 1 }, 0.2)).toBe(1);
    expect(dpSgdStepsPerRound({ epochs: 1, batchSize: 10 }, 1)).toBe(1);
  });
});

describe('DP-SGD in NodeTrainer', () => {
  it('with sigma = 0 and C = ∞ equals plain SGD on the same Poisson lots, gradient scaled by |lot|/(q·n)', () => {
    const data = blobs(120, 6, 3, 4);
    const q = 0.1;
    const dp: DpSgdOptions = { clipNorm: Number.POSITIVE_INFINITY, noiseMultiplier: 0, sampleRate: q, noise: 'seeded' };
    const { model, params, t, rng } = trainer(data, dp);
    const delta = new Float32Array(params.length);
    const r = t.train(params, 3, { epochs: 1, batchSize: 12 }, delta);
    expect(r.steps).toBe(10);
    // Reference: the same lots, the model's mean-gradient path, an explicit SGD step.
    const local = params.slice();
    const grad = new Float32Array(params.length);
    const lot = new Int32Array(data.n);
    const batch = makeBatch(data, data.n);
    for (let s = 0; s < r.steps; s++) {
      const count = poissonLot(all(data.n), q, rng.fork('lot', 3).fork('step', s), lot);
      const { x, y } = gather(data, lot, 0, count, batch);
      model.lossAndGrad(jsKernels, 'softmax_ce', local, x, y, count, grad);
      const scale = count / (q * data.n);
      for (let i = 0; i < local.length; i++) local[i] -= 0.1 * scale * grad[i];
    }
    for (let i = 0; i < delta.length; i++) expect(delta[i]).toBeCloseTo(local[i] - params[i], 5);
  });

  it('adds noise of std sigma·C on the summed gradient (not (sigma·C)², not sigma·C²), measured on a zero gradient', () => {
    // Linear regression with zero weights and zero targets has an exactly zero gradient, so one step
    // moves the parameters by −lr·N(0, (σC)²)/(q·n).
    const n = 200;
    const d = 400;
    const data: TrainingData = { x: new Float32Array(n * d).fill(1), y: new Float32Array(n), n, d, classes: 0 };
    const model = makeModel({ kind: 'linear' }, d, 0, 'mse');
    const params = new Float32Array(model.layout.size);
    const sigma = 3;
    const C = 0.5; // σC = 1.5; (σC)² = 2.25, σC² = 0.75, σ²C = 4.5
    const q = 0.25;
    const lr = 2;
    const optimizer = new Optimizer({ kind: 'sgd', lr }, model.layout.size, jsKernels);
    const dp: DpSgdOptions = { clipNorm: C, noiseMultiplier: sigma, sampleRate: q, noise: 'seeded' };
    const t = new NodeTrainer(0, model, 'mse', jsKernels, data, all(n), optimizer, Rng.fromSeed(9), { dpSgd: dp });
    const delta = new Float32Array(params.length);
    t.train(params, 0, { epochs: 1, batchSize: 1, maxSteps: 1 }, delta);
    let ss = 0;
    for (const v of delta) ss += v * v;
    const measured = (Math.sqrt(ss / delta.length) * q * n) / lr;
    // 401 draws: the sample std is within ±10% of the truth with overwhelming probability.
    expect(measured).toBeGreaterThan(1.5 * 0.9);
    expect(measured).toBeLessThan(1.5 * 1.1);
  });

  it("with lotSize L samples a node's lots at its own q = L/n: the bits of sampleRate L/n, not of the shared rate", () => {
    const data = blobs(80, 5, 3, 8);
    const plan = { epochs: 3, batchSize: 16, maxSteps: 3 };
    const run = (dp: DpSgdOptions) => {
      const { params, t } = trainer(data, dp);
      const delta = new Float32Array(params.length);
      const r = t.train(params, 2, plan, delta);
      return { delta, steps: r.steps };
    };
    const base = { clipNorm: 1, noiseMultiplier: 1.1, noise: 'seeded' } as const;
    const own = run({ ...base, sampleRate: 0.5, lotSize: 16 });
    expect(own).toEqual(run({ ...base, sampleRate: 16 / 80 }));
    expect(own.steps).toBe(3);
    expect(own.delta).not.toEqual(run({ ...base, sampleRate: 0.5 }).delta);
    expect(lotSampleRate(16, 80)).toBe(0.2);
    expect(lotSampleRate(100, 80)).toBe(1);
    expect(() => lotSampleRate(16, 0)).toThrow(/examples/);
    expect(() => run({ ...base, sampleRate: 0.5, lotSize: 0 })).toThrow(/privacy\.lotSize/);
  });

  it('is reproducible from the node stream and changes with the round', () => {
    const data = blobs(80, 5, 3, 8);
    const dp: DpSgdOptions = { clipNorm: 1, noiseMultiplier: 1.1, sampleRate: 0.2, noise: 'seeded' };
    const run = (round: number) => {
      const { params, t } = trainer(data, dp);
      const delta = new Float32Array(params.length);
      t.train(params, round, { epochs: 1, batchSize: 16 }, delta);
      return delta;
    };
    expect(run(1)).toEqual(run(1));
    expect(run(2)).not.toEqual(run(1));
  });

  it('with secure noise, draws differ between identical runs but keep the clipped update bounded', () => {
    const data = blobs(80, 5, 3, 8);
    const dp: DpSgdOptions = { clipNorm: 1, noiseMultiplier: 0.5, sampleRate: 0.25, noise: 'secure' };
    const run = () => {
      const { params, t } = trainer(data, dp);
      const delta = new Float32Array(params.length);
      t.train(params, 0, { epochs: 1, batchSize: 20, maxSteps: 1 }, delta);
      return delta;
    };
    const a = run();
    expect(a.every(Number.isFinite)).toBe(true);
    expect(run()).not.toEqual(a);
  });

  it('rejects noise with an infinite clipping norm and sample rates outside (0, 1]', () => {
    const data = blobs(20, 3, 2, 1);
    const bad = (o: Partial<DpSgdOptions>) => () =>
      trainer(data, { clipNorm: 1, noiseMultiplier: 1, sampleRate: 0.5, noise: 'seeded', ...o });
    expect(bad({ clipNorm: Number.POSITIVE_INFINITY })).toThrow('privacy.clipNorm must be finite when noise is added');
    expect(bad({ sampleRate: 0 })).toThrow('privacy.sampleRate must be in (0, 1], got 0');
    expect(bad({ noiseMultiplier: -1 })).toThrow('privacy.noiseMultiplier');
  });
});
