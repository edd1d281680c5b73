import { errors } from '../errors.js';
import type { Rng } from '../rng/rng.js';

/** One device tier of a `tiers` distribution: a value drawn with probability `p`. */
export interface Tier {
  readonly value: number;
  readonly p: number;
}

/**
 * A seeded distribution of a positive systems quantity (seconds, bit/s, epochs):
 * - `constant`: always `value`;
 * - `uniform`: on [low, high);
 * - `lognormal`: `median · exp(sigma · Z)`, Z standard normal (sigma is the std of ln X, not a variance;
 *   mean = median · exp(sigma²/2)), the usual model of device speeds (FedScale, Lai et al. 2021);
 * - `pareto`: `scale · U^(−1/shape)` (Pareto type I: X ≥ scale, P(X > x) = (scale/x)^shape; heavy-tailed,
 *   mean = shape·scale/(shape−1) for shape > 1, infinite otherwise);
 * - `tiers`: discrete device tiers, `value` with probability `p` (the p sum to 1).
 */
export type Distribution =
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'uniform'; readonly low: number; readonly high: number }
  | { readonly kind: 'lognormal'; readonly median: number; readonly sigma: number }
  | { readonly kind: 'pareto'; readonly scale: number; readonly shape: number }
  | { readonly kind: 'tiers'; readonly tiers: readonly Tier[] };

/** Checks a distribution's parameters; errors name `path` (e.g. `systems.compute.seconds.sigma`). */
export function checkDistribution(d: Distribution, path: string): void {
  const pos = (v: number, key: string) => {
    if (!(Number.isFinite(v) && v > 0)) throw errors.option(`${path}.${key}`, 'a finite number > 0', v);
  };
  switch (d.kind) {
    case 'constant':
      if (!(Number.isFinite(d.value) && d.value >= 0))
        throw errors.option(`${path}.value`, 'a finite number ≥ 0', d.value);
      return;
    case 'uniform':
      if (!(Number.isFinite(d.low) && d.low >= 0)) throw errors.option(`${path}.low`, 'a finite number ≥ 0', d.low);
      if (!(Number.isFinite(d.high) && d.high > d.low))
        throw errors.option(`${path}.high`, `a finite number > low (${d.low})`, d.high);
      return;
    case 'lognormal':
      pos(d.median, 'median');
      if (!(Number.isFinite(d.sigma) && d.sigma >= 0))
        throw errors.option(`${path}.sigma`, 'a finite number ≥ 0', d.sigma);
      return;
    case 'pareto':
      pos(d.scale, 'scale');
      pos(d.shape, 'shape');
      return;
    case 'tiers': {
      if (d.tiers.length === 0) throw errors.option(`${path}.tiers`, 'a non-empty list', d.tiers);
      d.tiers.forEach((t, i) => {
        if (!(Number.isFinite(t.value) && t.value >= 0))
          throw errors.option(`${path}.tiers.${i}.value`, 'a finite number ≥ 0', t.value);
        if (!(t.p >= 0 && t.p <= 1)) throw errors.option(`${path}.tiers.${i}.p`, 'in [0, 1]', t.p);
      });
      const total = d.tiers.reduce((s, t) => s + t.p, 0);
      if (Math.abs(total - 1) > 1e-9) throw errors.option(`${path}.tiers`, 'probabilities p that sum to 1', total);
    }
  }
}

/**
 * One draw from `d` with `rng`. Every kind but `lognormal` (two uniforms, Box–Muller) and `constant`
 * (none) consumes exactly one uniform, so a profile's draws never shift with the parameters.
 */
export function drawFrom(d: Distribution, rng: Rng): number {
  switch (d.kind) {
    case 'constant':
      return d.value;
    case 'uniform':
      return rng.uniformIn(d.low, d.high);
    case 'lognormal':
      return d.median * Math.exp(d.sigma * rng.normal());
    case 'pareto':
      // 1 − U lies in (0, 1]: never a division by zero.
      return d.scale * (1 - rng.uniform()) ** (-1 / d.shape);
    case 'tiers': {
      const u = rng.uniform();
      let acc = 0;
      for (const t of d.tiers) {
        acc += t.p;
        if (u < acc) return t.value;
      }
      return d.tiers[d.tiers.length - 1].value;
    }
  }
}

/** The closed-form mean of `d` (Infinity for a Pareto with shape ≤ 1). */
export function meanOf(d: Distribution): number {
  switch (d.kind) {
    case 'constant':
      return d.value;
    case 'uniform':
      return (d.low + d.high) / 2;
    case 'lognormal':
      return d.median * Math.exp((d.sigma * d.sigma) / 2);
    case 'pareto':
      return d.shape > 1 ? (d.shape * d.scale) / (d.shape - 1) : Number.POSITIVE_INFINITY;
    case 'tiers':
      return d.tiers.reduce((s, t) => s + t.p * t.value, 0);
  }
}
