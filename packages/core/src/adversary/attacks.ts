import type { Rng } from '../rng/rng.js';
import type { AttackSpec } from './attack-spec.js';

/**
 * What an attack is computed from. `own`: the Byzantine node's honest update this round (what it would
 * have sent). `mean` / `std`: per-coordinate mean and population std of the reference updates (the
 * round's honest updates with `omniscient` knowledge, the Byzantine nodes' own with `local`); null when
 * the attack needs none (`sign_flip`, `scale`, `gaussian` with `local`).
 */
export interface AttackInputs {
  readonly own: Float32Array;
  readonly mean: Float32Array | null;
  readonly std: Float32Array | null;
}

/**
 * Writes the Byzantine message into `out` (may alias `inputs.own`), all arithmetic in float64 rounded
 * once to float32:
 * - `sign_flip`: −scale·b; `scale`: factor·b, with b = `mean` when given, else `own`;
 * - `gaussian`: b + std·ξ with ξ ~ N(0, I) from `rng`, b = `mean` when given, else 0;
 * - `alie`: mean − z·std (Baruch et al. 2019); `ipm`: −ε·mean (Xie et al. 2020);
 * - `label_flip`: `own` unchanged (the poison is in the training data).
 * `z` is ALIE's resolved z.
 */
export function applyAttack(attack: AttackSpec, inputs: AttackInputs, z: number, rng: Rng, out: Float32Array): void {
  const { own, mean, std } = inputs;
  const n = out.length;
  switch (attack.kind) {
    case 'sign_flip':
    case 'scale': {
      const b = mean ?? own;
      const c = attack.kind === 'sign_flip' ? -attack.scale : attack.factor;
      for (let i = 0; i < n; i++) out[i] = c * b[i];
      return;
    }
    case 'gaussian':
      for (let i = 0; i < n; i++) out[i] = (mean === null ? 0 : mean[i]) + attack.std * rng.normal();
      return;
    case 'alie': {
      const m = need(mean, 'alie');
      const s = need(std, 'alie');
      for (let i = 0; i < n; i++) out[i] = m[i] - z * s[i];
      return;
    }
    case 'ipm': {
      const m = need(mean, 'ipm');
      for (let i = 0; i < n; i++) out[i] = -attack.epsilon * m[i];
      return;
    }
    case 'label_flip':
      if (out !== own) out.set(own);
      return;
  }
}

function need(v: Float32Array | null, kind: string): Float32Array {
  if (v === null) throw new RangeError(`attack ${kind} needs the reference statistics`);
  return v;
}

/** Whether the attack reads reference statistics (mean, std) with this knowledge. */
export function needsReference(attack: AttackSpec, omniscient: boolean): boolean {
  if (attack.kind === 'alie' || attack.kind === 'ipm') return true;
  if (attack.kind === 'label_flip') return false;
  return omniscient;
}
