import { firstNonFinite } from '../kernels/non-finite.js';

/**
 * Why a node's training result is unusable, or null when it is finite: `update[i] is NaN` for the first
 * NaN/±Inf entry of Δ, else `training loss Infinity`. Every runtime reports a diverged node with this
 * detail under the failure kind `non-finite` (reason `non-finite: <detail>`; a worker host sends it as an
 * `error` of code `non-finite`), whether the round machine, a worker host or a gossip host finds it. `scan` may be a faster exact replacement of
 * {@link firstNonFinite} (the native kernels' `compress.firstNonFinite`).
 */
export function nonFiniteResult(
  delta: Float32Array,
  trainLoss: number,
  scan: (x: Float32Array) => number = firstNonFinite,
): string | null {
  const bad = scan(delta);
  if (bad >= 0) return `update[${bad}] is ${delta[bad]}`;
  if (!Number.isFinite(trainLoss)) return `training loss ${trainLoss}`;
  return null;
}
