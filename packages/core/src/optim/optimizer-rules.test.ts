import { describe, expect, it } from 'vitest';
import { jsKernels } from '../kernels/js.js';
import { Optimizer } from './optimizer.js';
import type { OptimizerSpec } from './optimizer-spec.js';

// A tiny quadratic f(x) = ½ Σ a_i x_i², whose gradient is a_i x_i.
const A = [1, 4, 0.25];
const X0 = [1, -2, 3];
const grad = (x: readonly number[]) => x.map((xi, i) => A[i] * xi);

/** Runs `Optimizer` for `steps` steps on the quadratic and returns the iterates. */
function run(spec: OptimizerSpec, steps: number, x0 = X0): number[][] {
  const opt = new Optimizer(spec, x0.length, jsKernels);
  const x = Float32Array.from(x0);
  const out: number[][] = [];
  for (let t = 0; t < steps; t++) {
    opt.step(x, Float32Array.from(grad(Array.from(x))));
    out.push(Array.from(x));
  }
  return out;
}

type Rule = (x: number[], g: number[], t: number) => void;

/**
 * Float64 references written from each paper's update rule, one coordinate at a time, independent of
 * the kernel code. `t` counts from 1. Weight decay enters as the L2 gradient g + wd·x except in AdamW.
 */
const references: Record<string, (p: Record<string, number>) => Rule> = {
  sgd: (p) => (x, g) => {
    for (let i = 0; i < x.length; i++) x[i] -= p.lr * (g[i] + p.wd * x[i]);
  },
  // Polyak (1964) heavy ball with the velocity accumulating raw gradients (PyTorch's form).
  momentum: (p) => {
    const v = [0, 0, 0];
    return (x, g) =>
      x.forEach((xi, i) => {
        v[i] = p.mu * v[i] + g[i] + p.wd * xi;
        x[i] = xi - p.lr * v[i];
      });
  },
  // Sutskever et al. (2013), rewritten in the variables PyTorch keeps: step along g + mu·v_new.
  nesterov: (p) => {
    const v = [0, 0, 0];
    return (x, g) =>
      x.forEach((xi, i) => {
        const gi = g[i] + p.wd * xi;
        v[i] = p.mu * v[i] + gi;
        x[i] = xi - p.lr * (gi + p.mu * v[i]);
      });
  },
  // Duchi et al. (2011), diagonal AdaGrad: G accumulates squared gradients.
  adagrad: (p) => {
    const G = [0, 0, 0];
    return (x, g) =>
      x.forEach((xi, i) => {
        const gi = g[i] + p.wd * xi;
        G[i] += gi * gi;
        x[i] = xi - (p.lr * gi) / (Math.sqrt(G[i]) + p.eps);
      });
  },
  // Tieleman & Hinton (2012), lecture 6e.
  rmsprop: (p) => {
    const ms = [0, 0, 0];
    return (x, g) =>
      x.forEach((xi, i) => {
        const gi = g[i] + p.wd * xi;
        ms[i] = p.rho * ms[i] + (1 - p.rho) * gi * gi;
        x[i] = xi - (p.lr * gi) / (Math.sqrt(ms[i]) + p.eps);
      });
  },
  // Zeiler (2012), Algorithm 1, with RMS[y] = √(E[y²] + eps) and an extra lr factor (1 in the paper).
  adadelta: (p) => {
    const eg2 = [0, 0, 0];
    const edx2 = [0, 0, 0];
    return (x, g) =>
      x.forEach((xi, i) => {
        const gi = g[i] + p.wd * xi;
        eg2[i] = p.rho * eg2[i] + (1 - p.rho) * gi * gi;
        const dx = -(Math.sqrt(edx2[i] + p.eps) / Math.sqrt(eg2[i] + p.eps)) * gi;
        edx2[i] = p.rho * edx2[i] + (1 - p.rho) * dx * dx;
        x[i] = xi + p.lr * dx;
      });
  },
  // Kingma & Ba (2015), Algorithm 1, with L2 weight decay in the gradient.
  adam: (p) => {
    const m = [0, 0, 0];
    const v = [0, 0, 0];
    return (x, g, t) =>
      x.forEach((xi, i) => {
        const gi = g[i] + p.wd * xi;
        m[i] = p.b1 * m[i] + (1 - p.b1) * gi;
        v[i] = p.b2 * v[i] + (1 - p.b2) * gi * gi;
        const mHat = m[i] / (1 - p.b1 ** t);
        const vHat = v[i] / (1 - p.b2 ** t);
        x[i] = xi - (p.lr * mHat) / (Math.sqrt(vHat) + p.eps);
      });
  },
  // Loshchilov & Hutter (2019), Algorithm 2 with schedule multiplier 1 and decay scaled by lr (PyTorch).
  adamw: (p) => {
    const m = [0, 0, 0];
    const v = [0, 0, 0];
    return (x, g, t) =>
      x.forEach((xi, i) => {
        m[i] = p.b1 * m[i] + (1 - p.b1) * g[i];
        v[i] = p.b2 * v[i] + (1 - p.b2) * g[i] * g[i];
        const mHat = m[i] / (1 - p.b1 ** t);
        const vHat = v[i] / (1 - p.b2 ** t);
        x[i] = xi - p.lr * (mHat / (Math.sqrt(vHat) + p.eps) + p.wd * xi);
      });
  },
};

function reference(kind: string, p: Record<string, number>, steps: number): number[][] {
  const rule = references[kind](p);
  const x = [...X0];
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    rule(x, grad(x), t);
    out.push([...x]);
  }
  return out;
}

const cases: [string, OptimizerSpec, Record<string, number>][] = [
  ['sgd', { kind: 'sgd', lr: 0.1 }, { lr: 0.1, wd: 0 }],
  ['sgd', { kind: 'sgd', lr: 0.05, weightDecay: 0.3 }, { lr: 0.05, wd: 0.3 }],
  ['momentum', { kind: 'momentum', lr: 0.1 }, { lr: 0.1, mu: 0.9, wd: 0 }],
  ['momentum', { kind: 'momentum', lr: 0.05, momentum: 0.5, weightDecay: 0.2 }, { lr: 0.05, mu: 0.5, wd: 0.2 }],
  ['nesterov', { kind: 'nesterov', lr: 0.1 }, { lr: 0.1, mu: 0.9, wd: 0 }],
  ['nesterov', { kind: 'nesterov', lr: 0.05, momentum: 0.7, weightDecay: 0.1 }, { lr: 0.05, mu: 0.7, wd: 0.1 }],
  ['adagrad', { kind: 'adagrad', lr: 0.5 }, { lr: 0.5, eps: 1e-10, wd: 0 }],
  ['adagrad', { kind: 'adagrad', eps: 0.1, weightDecay: 0.1 }, { lr: 0.01, eps: 0.1, wd: 0.1 }],
  ['rmsprop', { kind: 'rmsprop', lr: 0.1 }, { lr: 0.1, rho: 0.99, eps: 1e-8, wd: 0 }],
  [
    'rmsprop',
    { kind: 'rmsprop', lr: 0.1, rho: 0.5, eps: 0.01, weightDecay: 0.1 },
    { lr: 0.1, rho: 0.5, eps: 0.01, wd: 0.1 },
  ],
  ['adadelta', { kind: 'adadelta' }, { lr: 1, rho: 0.9, eps: 1e-6, wd: 0 }],
  [
    'adadelta',
    { kind: 'adadelta', lr: 0.5, rho: 0.6, eps: 1e-2, weightDecay: 0.1 },
    { lr: 0.5, rho: 0.6, eps: 1e-2, wd: 0.1 },
  ],
  ['adam', { kind: 'adam', lr: 0.1 }, { lr: 0.1, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0 }],
  [
    'adam',
    { kind: 'adam', lr: 0.1, beta1: 0.5, beta2: 0.9, eps: 0.1, weightDecay: 0.2 },
    { lr: 0.1, b1: 0.5, b2: 0.9, eps: 0.1, wd: 0.2 },
  ],
  ['adamw', { kind: 'adamw', lr: 0.1 }, { lr: 0.1, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0.01 }],
  [
    'adamw',
    { kind: 'adamw', lr: 0.1, beta1: 0.5, beta2: 0.9, eps: 0.1, weightDecay: 0.5 },
    { lr: 0.1, b1: 0.5, b2: 0.9, eps: 0.1, wd: 0.5 },
  ],
];

describe('optimizer update rules', () => {
  it.each(cases)('%s %j follows its paper for 3 steps on a quadratic', (kind, spec, p) => {
    const got = run(spec, 3);
    const want = reference(kind, p, 3);
    for (let t = 0; t < 3; t++) {
      for (let i = 0; i < X0.length; i++) {
        // State lives in float32, so agreement is to float32 precision, not exact.
        expect(Math.abs(got[t][i] - want[t][i])).toBeLessThan(2e-6 * Math.max(1, Math.abs(want[t][i])));
      }
    }
    // The step must actually move the point (a no-op optimizer would fail here).
    expect(got[2]).not.toEqual(X0);
  });

  // Worked by hand on f(x) = ½(x₁² + 4x₂²) from x = (1, −2), so g = (x₁, 4x₂).
  const x0 = [1, -2];
  const g2 = (x: number[]) => [x[0], 4 * x[1]];
  function runLiteral(spec: OptimizerSpec, steps: number): number[][] {
    const opt = new Optimizer(spec, 2, jsKernels);
    const x = Float32Array.from(x0);
    const out: number[][] = [];
    for (let t = 0; t < steps; t++) {
      opt.step(x, Float32Array.from(g2(Array.from(x))));
      out.push(Array.from(x));
    }
    return out;
  }
  const close = (got: number[][], want: number[][]) => {
    for (let t = 0; t < want.length; t++) {
      for (let i = 0; i < want[t].length; i++) expect(got[t][i]).toBeCloseTo(want[t][i], 6);
    }
  };

  it('sgd lr 0.1 matches the hand-worked steps', () => {
    // g0 = (1, −8): x1 = (0.9, −1.2); g1 = (0.9, −4.8): x2 = (0.81, −0.72); g2 = (0.81, −2.88): x3 = (0.729, −0.432).
    close(runLiteral({ kind: 'sgd', lr: 0.1 }, 3), [
      [0.9, -1.2],
      [0.81, -0.72],
      [0.729, -0.432],
    ]);
  });

  it('heavy-ball momentum lr 0.1, mu 0.9 matches the hand-worked steps', () => {
    // v1 = (1, −8), x1 = (0.9, −1.2); g1 = (0.9, −4.8), v2 = 0.9·v1 + g1 = (1.8, −12), x2 = (0.72, 0);
    // g2 = (0.72, 0), v3 = (1.62 + 0.72, −10.8) = (2.34, −10.8), x3 = (0.486, 1.08).
    close(runLiteral({ kind: 'momentum', lr: 0.1, momentum: 0.9 }, 3), [
      [0.9, -1.2],
      [0.72, 0],
      [0.486, 1.08],
    ]);
  });

  it('adam lr 0.1 matches the hand-worked steps', () => {
    // Step 1: m̂ = g, v̂ = g², so each coordinate moves by lr·sign(g): x1 = (0.9, −1.9).
    // Step 2: g1 = (0.9, −7.6); m = 0.9·(0.1, −0.8) + 0.1·g1 = (0.18, −1.48);
    //   v = 0.999·(0.001, 0.064) + 0.001·(0.81, 57.76) = (0.001809, 0.121696);
    //   m̂ = m/0.19 = (0.947368, −7.789474), v̂ = v/0.001999 = (0.904952, 60.878439),
    //   m̂/√v̂ = (0.995878, −0.998335): x2 = (0.9 − 0.0995878, −1.9 + 0.0998335) = (0.8004122, −1.8001665).
    close(runLiteral({ kind: 'adam', lr: 0.1 }, 2), [
      [0.9, -1.9],
      [0.8004122, -1.8001665],
    ]);
  });
});
