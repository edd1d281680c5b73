import { Rng } from '@starling/core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBinding } from './loader.js';
import { nativeKernels } from './native-kernels.js';

/*
 * The AVX-512 GEMM's half-width tiles (micro_half in cpp/impl/gemm.inc: slivers of at most 8 columns run
 * on 8-lane vectors). Every entry is the same k-ordered chain of multiply-adds from +0 as the AVX2 level
 * computes with its own 8-lane micro-kernel, and the same epilogue, so for k within one k block of both
 * levels (k ≤ 192) the two levels must agree bit for bit: narrow outputs (n ≤ 8 and n mod 32 ≤ 8), the
 * 2NN's input gradients at batch 8 (computed as Cᵀ = W·δᵀ), all four transpose flags, beta 0 and 1.
 */
const binding = loadBinding();
const native = nativeKernels(binding);
const levels = binding.simdLevels();
const rng = Rng.fromSeed(20261208).fork('gemm-half-tiles');
const both = levels.includes('avx512') && levels.includes('avx2');
if (!both) console.warn(`gemm-half-tiles: skipped (this CPU has ${levels.join(', ')}; needs avx512 and avx2)`);

const random = (n: number) => {
  const x = new Float32Array(n);
  rng.fillUniform(x, -1, 1);
  return x;
};
const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

const SHAPES: [number, number, number][] = [
  [8, 200, 192], // a dense layer's δ·Wᵀ at batch 8 (the swapped product's tiles are 8 wide)
  [8, 200, 10],
  [200, 8, 100],
  [13, 1, 40],
  [29, 5, 7],
  [8, 40, 64],
  [50, 200, 8], // the forward's 8-column tail sliver of a 200-wide layer
];

describe.skipIf(!both)('GEMM half-width tiles at AVX-512', () => {
  afterAll(() => {
    binding.setSimd('auto');
  });

  it('give the AVX2 level’s bits, for all transpose flags and beta 0 and 1', () => {
    for (const [m, n, k] of SHAPES) {
      for (const [ta, tb] of [
        [false, false],
        [false, true],
        [true, false],
        [true, true],
      ] as const) {
        const [a, b, c0] = [random(m * k), random(k * n), random(m * n)];
        for (const beta of [0, 1]) {
          const out: Record<string, Float32Array> = {};
          for (const level of ['avx512', 'avx2']) {
            binding.setSimd(level);
            const c = c0.slice();
            native.gemm(ta, tb, m, n, k, 1, a, b, beta, c);
            out[level] = c;
          }
          expect(bits(out.avx512), `${m}×${n}×${k} ta=${ta} tb=${tb} beta=${beta}`).toEqual(bits(out.avx2));
        }
      }
    }
  });
});
