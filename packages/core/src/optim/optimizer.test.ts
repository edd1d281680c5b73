import { describe, expect, it } from 'vitest';
import { jsKernels } from '../kernels/js.js';
import { Optimizer } from './optimizer.js';
import type { OptimizerSpec } from './optimizer-spec.js';

describe('Optimizer', () => {
  it('gradient descent with eta = 1/lambda_max contracts the slowest direction by (1 − eta·lambda_min)^t', () => {
    // f(x) = ½ xᵀAx with A = diag(10, 2, 0.5): eta = 0.1, so the factors are 0, 0.8 and 0.95 per step.
    const lambda = [10, 2, 0.5];
    const eta = 1 / 10;
    const x = Float32Array.from([1, -1, 2]);
    const opt = new Optimizer({ kind: 'sgd', lr: eta }, 3, jsKernels);
    const g = new Float32Array(3);
    for (let t = 1; t <= 40; t++) {
      for (let i = 0; i < 3; i++) g[i] = lambda[i] * x[i];
      opt.step(x, g);
      const slow = 2 * (1 - eta * 0.5) ** t;
      expect(Math.abs(x[2] - slow)).toBeLessThan(1e-5 * slow); // float32 rounding over 40 steps
      expect(Math.abs(x[0])).toBeLessThan(1e-6); // the stiffest direction is solved in one step
      expect(Math.abs(x[1])).toBeLessThan(0.8 ** t * (1 + 1e-5));
      // The whole error never shrinks slower than the slowest factor.
      expect(Math.hypot(x[0], x[1], x[2])).toBeLessThanOrEqual(Math.hypot(1, 1, 2) * 0.95 ** t * (1 + 1e-5));
    }
  });

  it('adds L2 weight decay to the gradient for sgd', () => {
    const a = Float32Array.from([1, -2, 0.5]);
    const b = a.slice();
    const g = Float32Array.from([0.3, 0.1, -0.2]);
    new Optimizer({ kind: 'sgd', lr: 0.1, weightDecay: 0.5 }, 3, jsKernels).step(a, g.slice());
    const gWithL2 = g.map((gi, i) => gi + 0.5 * b[i]);
    new Optimizer({ kind: 'sgd', lr: 0.1 }, 3, jsKernels).step(b, gWithL2);
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('decouples adamw weight decay from the adaptive step, unlike adam with L2', () => {
    // With a zero gradient, AdamW only shrinks θ by (1 − lr·wd); Adam's L2 term is normalized by √v̂,
    // so it moves each coordinate by about lr whatever its size.
    const theta = [2, -0.5];
    const zero = () => new Float32Array(2);
    const w = Float32Array.from(theta);
    new Optimizer({ kind: 'adamw', lr: 0.1, weightDecay: 0.2 }, 2, jsKernels).step(w, zero());
    expect(w[0]).toBeCloseTo(2 * (1 - 0.1 * 0.2), 6);
    expect(w[1]).toBeCloseTo(-0.5 * (1 - 0.1 * 0.2), 6);
    const l2 = Float32Array.from(theta);
    new Optimizer({ kind: 'adam', lr: 0.1, weightDecay: 0.2 }, 2, jsKernels).step(l2, zero());
    expect(l2[0]).toBeCloseTo(2 - 0.1, 6);
    expect(l2[1]).toBeCloseTo(-0.5 + 0.1, 6);
  });

  it('gives adamw a default weight decay of 0.01 and adam none', () => {
    expect(new Optimizer({ kind: 'adamw' }, 1, jsKernels).options.weightDecay).toBe(0.01);
    expect(new Optimizer({ kind: 'adam' }, 1, jsKernels).options.weightDecay).toBe(0);
    expect(new Optimizer({ kind: 'adam' }, 1, jsKernels).options.lr).toBe(0.001);
  });

  it('clips the gradient to clipNorm and reports the norm before clipping', () => {
    const opt = new Optimizer({ kind: 'sgd', lr: 1, clipNorm: 1 }, 2, jsKernels);
    const x = new Float32Array(2);
    const g = Float32Array.from([3, 4]);
    const report = opt.step(x, g);
    expect(report.gradNorm).toBeCloseTo(5, 6);
    expect(report.clipped).toBe(true);
    expect(Array.from(g).map((v) => Number(v.toFixed(6)))).toEqual([0.6, 0.8]);
    expect(Math.hypot(x[0], x[1])).toBeCloseTo(1, 6);
    const small = Float32Array.from([0.3, -0.4]);
    const r2 = opt.step(x, small);
    expect(r2.clipped).toBe(false);
    expect(Array.from(small)).toEqual([Math.fround(0.3), Math.fround(-0.4)]);
  });

  it('reports the scheduled learning rate of each step', () => {
    const opt = new Optimizer(
      { kind: 'sgd', lr: 1, schedule: { kind: 'step', stepSize: 2, gamma: 0.5 } },
      1,
      jsKernels,
    );
    const lrs = Array.from({ length: 5 }, () => opt.step(new Float32Array(1), new Float32Array(1)).lr);
    expect(lrs).toEqual([1, 1, 0.5, 0.5, 0.25]);
    expect(opt.stepCount).toBe(5);
  });

  const kinds: OptimizerSpec[] = [
    { kind: 'momentum', lr: 0.1 },
    { kind: 'nesterov', lr: 0.1 },
    { kind: 'adagrad' },
    { kind: 'rmsprop' },
    { kind: 'adadelta' },
    { kind: 'adam', schedule: { kind: 'cosine', totalSteps: 10 } },
    { kind: 'adamw' },
  ];
  it.each(kinds)('state()/load() of %j resumes with bit-identical steps', (spec) => {
    const n = 4;
    const grads = Array.from({ length: 6 }, (_, t) => Float32Array.from({ length: n }, (_, i) => Math.sin(t + 3 * i)));
    const a = new Optimizer(spec, n, jsKernels);
    const xa = Float32Array.from([1, -1, 0.5, 2]);
    for (let t = 0; t < 3; t++) a.step(xa, grads[t].slice());
    const snap = a.state();
    const b = new Optimizer(spec, n, jsKernels);
    b.load(snap);
    const xb = xa.slice();
    for (let t = 3; t < 6; t++) {
      a.step(xa, grads[t].slice());
      b.step(xb, grads[t].slice());
    }
    expect(Array.from(xb)).toEqual(Array.from(xa));
    expect(b.stepCount).toBe(6);
    // The snapshot is a copy: later steps did not change it.
    expect(snap.step).toBe(3);
    expect(a.state().slots[0]).not.toEqual(snap.slots[0]);
  });

  it('loads state slots given as plain number arrays (from JSON)', () => {
    const a = new Optimizer({ kind: 'momentum', lr: 0.1 }, 2, jsKernels);
    a.load({ kind: 'momentum', step: 7, slots: [[1, 2]] });
    expect(a.stepCount).toBe(7);
    expect(Array.from(a.state().slots[0])).toEqual([1, 2]);
  });

  it('rejects a checkpoint of another kind, size or shape', () => {
    const opt = new Optimizer({ kind: 'adam' }, 3, jsKernels);
    const good = opt.state();
    expect(() => opt.load({ ...good, kind: 'sgd' })).toThrow('optimizer state.kind must be "adam", got "sgd"');
    expect(() => opt.load({ ...good, step: -1 })).toThrow(
      'optimizer state.step must be a non-negative integer, got -1',
    );
    expect(() => opt.load({ ...good, slots: [good.slots[0]] })).toThrow(
      'optimizer state.slots must be 2 state vectors, got 1',
    );
    expect(() => opt.load({ ...good, slots: [new Float32Array(3), new Float32Array(2)] })).toThrow(
      'optimizer state.slots[1] must be a vector of length 3, got 2',
    );
    expect(() => opt.load({ ...good, slots: [new Float32Array(3), [0, Number.NaN, 0]] })).toThrow(
      'optimizer state.slots[1][1] must be a finite number, got NaN',
    );
  });

  it('rejects vectors of the wrong length', () => {
    const opt = new Optimizer({ kind: 'sgd', lr: 0.1 }, 3, jsKernels);
    expect(() => opt.step(new Float32Array(3), new Float32Array(2))).toThrow(
      'optimizer grad length: expected 3, got 2',
    );
  });
});
