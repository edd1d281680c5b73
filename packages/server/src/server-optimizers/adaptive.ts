import { z } from 'zod';
import type { ServerStep } from './server-optimizer-kind.js';

/**
 * The options of the adaptive server optimizers (Reddi et al. 2021, "Adaptive Federated Optimization",
 * Algorithm 2), with that paper's defaults: lr 0.01, β1 0.9, β2 0.99, τ 1e-3.
 */
export function adaptiveSchema<K extends string>(kind: K) {
  return z.strictObject({
    kind: z.literal(kind),
    lr: z.number().positive().default(0.01),
    beta1: z.number().gte(0).lt(1).default(0.9),
    beta2: z.number().gte(0).lt(1).default(0.99),
    tau: z.number().positive().default(1e-3),
  });
}

/** Parsed options of an adaptive server optimizer. */
export type AdaptiveOptions = z.output<ReturnType<typeof adaptiveSchema>>;

/**
 * The step the adaptive kinds share: m ← β1·m + (1 − β1)Δ; v ← secondMoment(v, Δ²);
 * x ← x + lr·m/(√v + τ). Only the second-moment rule differs between FedAdagrad, FedAdam and FedYogi.
 */
export function adaptiveStep(
  { lr, beta1, tau }: AdaptiveOptions,
  secondMoment: (v: number, d2: number) => number,
): ServerStep {
  return (params, delta, moments) => {
    const n = params.length;
    moments.m ??= new Float32Array(n);
    moments.v ??= new Float32Array(n);
    const { m, v } = moments;
    for (let i = 0; i < n; i++) {
      const d = delta[i];
      const d2 = d * d;
      m[i] = beta1 * m[i] + (1 - beta1) * d;
      v[i] = secondMoment(v[i], d2);
      params[i] += (lr * m[i]) / (Math.sqrt(v[i]) + tau);
    }
  };
}
