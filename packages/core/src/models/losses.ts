import { z } from 'zod';
import { errors } from '../errors.js';
import type { Kernels } from '../kernels/kernels.js';

/** The loss functions a model can be trained with. */
export const LOSS_KINDS = ['softmax_ce', 'bce', 'mse', 'hinge'] as const;
/** A loss function's name. */
export type LossKind = (typeof LOSS_KINDS)[number];

/** The `loss` section of an experiment: `{ kind }`. */
export const lossSpecSchema = z.strictObject({ kind: z.enum(LOSS_KINDS) });
/** A parsed `loss` section. */
export type LossSpec = z.output<typeof lossSpecSchema>;

/** Targets of a batch: class labels (softmax_ce, bce, hinge: 0/1) or real values (mse). */
export type Targets = Int32Array | Float32Array;

/**
 * Computes the summed loss of `rows` examples from the network outputs `out` (rows×cols) and writes
 * `dOut = gradScale · ∂(summed loss)/∂out` into `grad` (which may alias `out`).
 *
 * - softmax_ce: −log softmax(out)[y]; cols = classes.
 * - bce (binary cross-entropy on a logit s, y ∈ {0,1}): softplus(s) − y·s; cols = 1.
 * - mse: Σ_j (out_j − y_j)²; y has rows·cols entries.
 * - hinge (y ∈ {0,1} mapped to t = 2y − 1): max(0, 1 − t·s); cols = 1. Subgradient 0 at the kink.
 */
export function lossForwardBackward(
  kind: LossKind,
  kernels: Kernels,
  rows: number,
  cols: number,
  out: Float32Array,
  y: Targets,
  gradScale: number,
  grad: Float32Array,
): number {
  switch (kind) {
    case 'softmax_ce':
      return kernels.softmaxCrossEntropy(rows, cols, out, y as Int32Array, gradScale, grad);
    case 'bce': {
      let total = 0;
      for (let r = 0; r < rows; r++) {
        const s = out[r];
        const t = y[r];
        // softplus(s) = max(s, 0) + log1p(exp(−|s|)), stable for large |s|.
        total += Math.max(s, 0) + Math.log1p(Math.exp(-Math.abs(s))) - t * s;
        const p = s >= 0 ? 1 / (1 + Math.exp(-s)) : Math.exp(s) / (1 + Math.exp(s));
        grad[r] = (p - t) * gradScale;
      }
      return total;
    }
    case 'mse': {
      let total = 0;
      for (let i = 0; i < rows * cols; i++) {
        const e = out[i] - y[i];
        total += e * e;
        grad[i] = 2 * e * gradScale;
      }
      return total;
    }
    case 'hinge': {
      let total = 0;
      for (let r = 0; r < rows; r++) {
        const t = 2 * y[r] - 1;
        const margin = 1 - t * out[r];
        total += margin > 0 ? margin : 0;
        grad[r] = margin > 0 ? -t * gradScale : 0;
      }
      return total;
    }
  }
}

/** Checks that a loss fits the model's output width and the data's kind. */
export function checkLossFits(kind: LossKind, outputs: number, classes: number): void {
  if (kind === 'softmax_ce' && (classes < 2 || outputs !== classes)) {
    throw errors.option('loss.kind', 'mse for regression data', kind);
  }
  if ((kind === 'bce' || kind === 'hinge') && (outputs !== 1 || classes !== 2)) {
    throw errors.option('loss.kind', 'softmax_ce or mse for data that is not binary classification', kind);
  }
  if (kind === 'mse' && classes !== 0) {
    throw errors.option('loss.kind', 'softmax_ce, bce or hinge for classification data', kind);
  }
}
