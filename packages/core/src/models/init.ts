import type { Rng } from '../rng/rng.js';

/** Weight initializers for a dense layer's fanIn×fanOut weight; biases always start at zero. */
export type InitKind = 'zeros' | 'xavier' | 'kaiming';

/**
 * Fills a dense weight of shape fanIn×fanOut.
 * - zeros: all 0.
 * - xavier (Glorot & Bengio 2010, uniform): U(−a, a) with a = √(6/(fanIn + fanOut)).
 * - kaiming (He et al. 2015, normal, fan-in mode for ReLU): N(0, std = √(2/fanIn)).
 */
export function initWeight(kind: InitKind, w: Float32Array, fanIn: number, fanOut: number, rng: Rng): void {
  switch (kind) {
    case 'zeros':
      w.fill(0);
      return;
    case 'xavier': {
      const a = Math.sqrt(6 / (fanIn + fanOut));
      rng.fillUniform(w, -a, a);
      return;
    }
    case 'kaiming':
      rng.fillNormal(w, 0, Math.sqrt(2 / fanIn));
      return;
  }
}
