import { type CompressKernels, errors, type Kernels, nonFiniteResult } from '@starling/core';

/** What an update is screened on (the round machine's `update` event). */
export interface ScreenedUpdate {
  readonly node: number;
  readonly samples: number;
  readonly trainLoss: number;
  readonly delta: Float32Array;
  /** The runtime already scanned `delta` for NaN/Inf (see `ServerEvent`). */
  readonly finite?: boolean;
}

/**
 * The checks an update passes before it may be aggregated, in this order, each failing the node in its
 * round with a reason whose kind (up to the `:`) reaches metrics `failure_reasons`:
 * - `bad-weight`: the declared sample count differs from the one the server assigned the node (its
 *   partition size), so a node cannot claim a larger share of the weighted mean than it was given;
 * - `non-finite`: an entry of Δ (or the training loss) is NaN/±Inf: the node's training diverged;
 * - `norm-bound`: ‖Δ‖₂ > `algorithm.maxUpdateNorm` (a finite update too large to be honest, e.g. 1e30s).
 *
 * Cost: without a norm bound, one NaN/Inf scan of Δ (skipped when the runtime made it already). With
 * one, a single `kernels.sumSquares` pass does both: it accumulates the float32 entries in float64, where
 * squares of finite float32 values cannot overflow (< 1.2e77 each), so the sum is finite exactly when
 * every entry is; the scan then only runs to name the bad entry of a non-finite update.
 */
export class UpdateScreen {
  private readonly scan: CompressKernels['firstNonFinite'];

  /**
   * @param maxNorm the L2 bound on Δ (`algorithm.maxUpdateNorm`), or null: no bound
   * @param assigned the sample count the server assigned each node, or undefined: not checked
   */
  constructor(
    private readonly kernels: Kernels,
    scan: CompressKernels['firstNonFinite'],
    private readonly maxNorm: number | null,
    private readonly assigned?: (node: number) => number,
  ) {
    if (maxNorm !== null && !(maxNorm > 0 && Number.isFinite(maxNorm))) {
      throw errors.option('algorithm.maxUpdateNorm', 'a finite number > 0', maxNorm);
    }
    this.scan = scan;
  }

  /** Whether `check` reads Δ of an update the runtime vouched finite (`finite: true`): with a norm bound. */
  get readsVouchedDeltas(): boolean {
    return this.maxNorm !== null;
  }

  /** Why `u` must not be aggregated (a failure reason), or null when it passes. */
  check(u: ScreenedUpdate): string | null {
    if (this.assigned) {
      const want = this.assigned(u.node);
      if (u.samples !== want) return `bad-weight: node ${u.node} declared ${u.samples} samples, assigned ${want}`;
    }
    if (this.maxNorm === null) {
      const scan = u.finite === true ? () => -1 : this.scan;
      const bad = nonFiniteResult(u.delta, u.trainLoss, scan);
      return bad === null ? null : `non-finite: ${bad}`;
    }
    const squares = this.kernels.sumSquares(u.delta);
    if (!Number.isFinite(squares)) {
      const bad = nonFiniteResult(u.delta, u.trainLoss, this.scan);
      return `non-finite: ${bad ?? `‖update‖² is ${squares}`}`;
    }
    if (!Number.isFinite(u.trainLoss)) return `non-finite: training loss ${u.trainLoss}`;
    const norm = Math.sqrt(squares);
    if (norm > this.maxNorm) {
      return `norm-bound: ‖update‖ = ${norm.toPrecision(4)} > algorithm.maxUpdateNorm = ${this.maxNorm}`;
    }
    return null;
  }
}
