import { describe, expect, it } from 'vitest';
import { jsKernels } from '../kernels/js.js';
import { clipGlobalNorm } from './clip.js';

describe('clipGlobalNorm', () => {
  it('scales the whole vector to the threshold and keeps its direction', () => {
    // Two "tensors" (1, 2) and (2, 4) side by side: global norm √25 = 5, not the per-tensor √5 or √20.
    const g = Float32Array.from([1, 2, 2, 4]);
    expect(clipGlobalNorm(jsKernels, g, 2.5)).toBeCloseTo(5, 6);
    expect(Array.from(g).map((v) => Number(v.toFixed(6)))).toEqual([0.5, 1, 1, 2]);
    expect(Math.sqrt(jsKernels.sumSquares(g))).toBeCloseTo(2.5, 6);
  });

  it('leaves a gradient at or under the threshold untouched', () => {
    const g = Float32Array.from([3, 4]);
    expect(clipGlobalNorm(jsKernels, g, 5)).toBe(5);
    expect(Array.from(g)).toEqual([3, 4]);
  });

  it('leaves zero and non-finite gradients as they are so divergence stays visible', () => {
    const zero = new Float32Array(3);
    expect(clipGlobalNorm(jsKernels, zero, 1)).toBe(0);
    const bad = Float32Array.from([1, Number.POSITIVE_INFINITY]);
    expect(clipGlobalNorm(jsKernels, bad, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(Array.from(bad)).toEqual([1, Number.POSITIVE_INFINITY]);
  });
});
