import { errors } from '@starling/core';

/**
 * How the server applies the aggregated pseudo-gradient Δ_t = Σ_k p_k (x_k − x) to the global model
 * (Reddi et al. 2021, "Adaptive Federated Optimization", Algorithm 2; Hsu et al. 2019 for FedAvgM):
 * - plain:      x ← x + lr·Δ                      (lr = 1 is FedAvg)
 * - fedavgm:    v ← μv + Δ;  x ← x + lr·v
 * - fedadagrad: v ← v + Δ²
 * - fedadam:    v ← β2·v + (1 − β2)Δ²
 * - fedyogi:    v ← v − (1 − β2)·Δ²·sign(v − Δ²)
 *   and for the three adaptive ones m ← β1·m + (1 − β1)Δ;  x ← x + lr·m/(√v + tau).
 */
export type ServerOptimizerSpec =
  | { kind: 'plain'; lr?: number }
  | { kind: 'fedavgm'; lr?: number; momentum?: number }
  | { kind: 'fedadagrad' | 'fedadam' | 'fedyogi'; lr?: number; beta1?: number; beta2?: number; tau?: number };

export const SERVER_OPTIMIZER_KINDS = ['plain', 'fedavgm', 'fedadagrad', 'fedadam', 'fedyogi'] as const;

/** A server optimizer with checkpointable state; `apply` updates `params` in place. */
export class ServerOptimizer {
  private readonly spec: {
    kind: ServerOptimizerSpec['kind'];
    lr: number;
    momentum: number;
    beta1: number;
    beta2: number;
    tau: number;
  };
  private m: Float32Array | null = null;
  private v: Float32Array | null = null;

  constructor(spec: ServerOptimizerSpec) {
    const kind = spec.kind;
    if (!SERVER_OPTIMIZER_KINDS.includes(kind))
      throw errors.unknownKind('serverOptimizer.kind', kind, SERVER_OPTIMIZER_KINDS);
    const adaptive = kind === 'fedadagrad' || kind === 'fedadam' || kind === 'fedyogi';
    const s = spec as { lr?: number; momentum?: number; beta1?: number; beta2?: number; tau?: number };
    this.spec = {
      kind,
      lr: s.lr ?? (adaptive ? 0.01 : 1),
      momentum: s.momentum ?? 0.9,
      beta1: s.beta1 ?? 0.9,
      beta2: s.beta2 ?? 0.99,
      tau: s.tau ?? 1e-3,
    };
    const check = (name: string, value: number, ok: boolean, expected: string) => {
      if (!ok) throw errors.option(`serverOptimizer.${name}`, expected, value);
    };
    const { lr, momentum, beta1, beta2, tau } = this.spec;
    check('lr', lr, Number.isFinite(lr) && lr > 0, 'a positive number');
    check('momentum', momentum, momentum >= 0 && momentum < 1, 'in [0, 1)');
    check('beta1', beta1, beta1 >= 0 && beta1 < 1, 'in [0, 1)');
    check('beta2', beta2, beta2 >= 0 && beta2 < 1, 'in [0, 1)');
    check('tau', tau, tau > 0, 'a positive number');
  }

  /** Applies the pseudo-gradient `delta` (the weighted mean of client updates) to `params`. */
  apply(params: Float32Array, delta: Float32Array): void {
    const { kind, lr, momentum, beta1, beta2, tau } = this.spec;
    const n = params.length;
    if (kind === 'plain') {
      for (let i = 0; i < n; i++) params[i] += lr * delta[i];
      return;
    }
    this.m ??= new Float32Array(n);
    const m = this.m;
    if (kind === 'fedavgm') {
      for (let i = 0; i < n; i++) {
        m[i] = momentum * m[i] + delta[i];
        params[i] += lr * m[i];
      }
      return;
    }
    this.v ??= new Float32Array(n);
    const v = this.v;
    for (let i = 0; i < n; i++) {
      const d = delta[i];
      const d2 = d * d;
      m[i] = beta1 * m[i] + (1 - beta1) * d;
      if (kind === 'fedadagrad') v[i] += d2;
      else if (kind === 'fedadam') v[i] = beta2 * v[i] + (1 - beta2) * d2;
      else v[i] -= (1 - beta2) * d2 * Math.sign(v[i] - d2);
      params[i] += (lr * m[i]) / (Math.sqrt(v[i]) + tau);
    }
  }

  /** Checkpointable state (copies). */
  state(): { m: Float32Array | null; v: Float32Array | null } {
    return { m: this.m ? this.m.slice() : null, v: this.v ? this.v.slice() : null };
  }

  /** Restores a state from {@link state}. */
  load(state: { m: Float32Array | null; v: Float32Array | null }): void {
    this.m = state.m ? state.m.slice() : null;
    this.v = state.v ? state.v.slice() : null;
  }
}
