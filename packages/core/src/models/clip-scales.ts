import { errors } from '../errors.js';
import type { PerExampleClip } from './model.js';

/** Checks a per-example clip: C > 0, and κ ≥ 0 finite with a finite C (the same messages as `DenseNet`). */
export function checkClip(clip: PerExampleClip): void {
  const { clipNorm: c, normalizeKappa: kappa = null } = clip;
  if (!(c > 0)) throw errors.option('privacy.clipNorm', 'a number > 0', c);
  if (kappa !== null && !(kappa >= 0 && Number.isFinite(kappa) && Number.isFinite(c))) {
    throw errors.option('privacy.normalizeKappa', 'a finite number >= 0 with a finite clipNorm', kappa);
  }
}

/**
 * Per-example scales from squared gradient norms `sq[0..batch)`: s_n = min(1, C/‖g_n‖) (clipping) or
 * C/(‖g_n‖ + κ) (normalization; 0 for a zero gradient). `norms`, when given, receives ‖g_n‖.
 * A non-finite norm is a runtime error naming the example.
 */
export function clipScales(
  clip: PerExampleClip,
  sq: Float64Array,
  batch: number,
  scales: Float32Array,
  norms?: Float64Array,
): void {
  const c = clip.clipNorm;
  const kappa = clip.normalizeKappa ?? null;
  for (let n = 0; n < batch; n++) {
    const norm = Math.sqrt(sq[n]);
    if (!Number.isFinite(norm)) throw errors.runtime(`per-example gradient ${n} has a non-finite norm (${norm})`);
    if (norms) norms[n] = norm;
    if (kappa === null) scales[n] = norm > c ? c / norm : 1;
    else scales[n] = norm === 0 ? 0 : c / (norm + kappa);
  }
}
