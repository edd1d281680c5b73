import { describe, expect, it } from 'vitest';
import { ServerOptimizer } from './server-optimizer.js';

describe('ServerOptimizer', () => {
  it('plain with lr 1 adds the mean update (FedAvg)', () => {
    const x = Float32Array.from([1, 2]);
    new ServerOptimizer({ kind: 'plain' }).apply(x, Float32Array.from([0.5, -1]));
    expect(Array.from(x)).toEqual([1.5, 1]);
  });

  it('fedavgm accumulates momentum: two steps of Δ = 1 with μ = 0.5 move by 1 then 1.5', () => {
    const x = Float32Array.from([0]);
    const opt = new ServerOptimizer({ kind: 'fedavgm', lr: 1, momentum: 0.5 });
    opt.apply(x, Float32Array.from([1]));
    expect(x[0]).toBeCloseTo(1, 6);
    opt.apply(x, Float32Array.from([1]));
    expect(x[0]).toBeCloseTo(2.5, 6);
  });

  it.each([
    // Reddi et al. 2021, Algorithm 2, one step from m = v = 0 with Δ = 2, β1 = 0.9, β2 = 0.99, τ = 1e-3, η = 0.1:
    // m = 0.2; fedadagrad v = 4, fedadam v = 0.04, fedyogi v = 0 − 0.01·4·sign(0 − 4) = 0.04.
    ['fedadagrad', 0.1 * (0.2 / (2 + 1e-3))],
    ['fedadam', 0.1 * (0.2 / (0.2 + 1e-3))],
    ['fedyogi', 0.1 * (0.2 / (0.2 + 1e-3))],
  ] as const)('%s takes the step of its update rule', (kind, expected) => {
    const x = Float32Array.from([0]);
    new ServerOptimizer({ kind, lr: 0.1, beta1: 0.9, beta2: 0.99, tau: 1e-3 }).apply(x, Float32Array.from([2]));
    expect(x[0]).toBeCloseTo(expected, 6);
  });

  it('fedyogi and fedadam diverge on the second step when Δ² shrinks', () => {
    const mk = (kind: 'fedadam' | 'fedyogi') => {
      const x = Float32Array.from([0]);
      const o = new ServerOptimizer({ kind, lr: 0.1 });
      o.apply(x, Float32Array.from([2]));
      o.apply(x, Float32Array.from([0.1]));
      return { x: x[0], v: o.state().v![0] };
    };
    // adam: v = 0.99·0.04 + 0.01·0.01 = 0.0397; yogi: v = 0.04 − 0.01·0.01·sign(0.04 − 0.01) = 0.0399.
    expect(mk('fedadam').v).toBeCloseTo(0.0397, 6);
    expect(mk('fedyogi').v).toBeCloseTo(0.0399, 6);
  });

  it('names the bad option', () => {
    expect(() => new ServerOptimizer({ kind: 'fedadam', lr: -1 })).toThrow(
      'serverOptimizer.lr must be a positive number, got -1',
    );
    // @ts-expect-error an unknown kind from a config file
    expect(() => new ServerOptimizer({ kind: 'sgdx' })).toThrow(/serverOptimizer.kind must be one of plain/);
  });
});
