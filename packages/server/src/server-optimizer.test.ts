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

  it('names the full config path of a bad option', () => {
    expect(() => new ServerOptimizer({ kind: 'fedadam', lr: -1 })).toThrow(
      'algorithm.serverOptimizer.lr must be > 0, got -1',
    );
    expect(() => new ServerOptimizer({ kind: 'fedavgm', momentum: 1 })).toThrow(
      'algorithm.serverOptimizer.momentum must be < 1, got 1',
    );
    // @ts-expect-error an unknown kind from a config file
    expect(() => new ServerOptimizer({ kind: 'sgdx' })).toThrow(
      'algorithm.serverOptimizer.kind must be one of plain, fedavgm, fedadagrad, fedadam, fedyogi, got "sgdx"',
    );
  });

  it('fills the defaults the server used before the schemas moved here', () => {
    expect(new ServerOptimizer({ kind: 'plain' }).spec).toEqual({ kind: 'plain', lr: 1 });
    expect(new ServerOptimizer({ kind: 'fedavgm' }).spec).toEqual({ kind: 'fedavgm', lr: 1, momentum: 0.9 });
    for (const kind of ['fedadagrad', 'fedadam', 'fedyogi'] as const) {
      expect(new ServerOptimizer({ kind }).spec).toEqual({ kind, lr: 0.01, beta1: 0.9, beta2: 0.99, tau: 1e-3 });
    }
  });

  it.each(['plain', 'fedavgm', 'fedadagrad', 'fedadam', 'fedyogi'] as const)(
    '%s gives the same bits as the single-class implementation it replaced',
    (kind) => {
      const n = 257;
      let seed = 12345;
      const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
      const x = Float32Array.from({ length: n }, next);
      const ref = x.slice();
      const opt = new ServerOptimizer({ kind });
      const reference = referenceStep(kind);
      for (let round = 0; round < 5; round++) {
        const delta = Float32Array.from({ length: n }, () => next() * 0.1);
        opt.apply(x, delta);
        reference(ref, delta);
      }
      expect(Buffer.from(x.buffer).equals(Buffer.from(ref.buffer))).toBe(true);
    },
  );
});

/** The update rule as one class computed it before the kinds got their own files (defaults inlined). */
function referenceStep(kind: string): (params: Float32Array, delta: Float32Array) => void {
  const adaptive = kind === 'fedadagrad' || kind === 'fedadam' || kind === 'fedyogi';
  const [lr, momentum, beta1, beta2, tau] = [adaptive ? 0.01 : 1, 0.9, 0.9, 0.99, 1e-3];
  let m: Float32Array | null = null;
  let v: Float32Array | null = null;
  return (params, delta) => {
    const n = params.length;
    if (kind === 'plain') {
      for (let i = 0; i < n; i++) params[i] += lr * delta[i];
      return;
    }
    m ??= new Float32Array(n);
    if (kind === 'fedavgm') {
      for (let i = 0; i < n; i++) {
        m[i] = momentum * m[i] + delta[i];
        params[i] += lr * m[i];
      }
      return;
    }
    v ??= new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const d = delta[i];
      const d2 = d * d;
      m[i] = beta1 * m[i] + (1 - beta1) * d;
      if (kind === 'fedadagrad') v[i] += d2;
      else if (kind === 'fedadam') v[i] = beta2 * v[i] + (1 - beta2) * d2;
      else v[i] -= (1 - beta2) * d2 * Math.sign(v[i] - d2);
      params[i] += (lr * m[i]) / (Math.sqrt(v[i]) + tau);
    }
  };
}
