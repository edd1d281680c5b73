// The plain server step with lr = 1 through the kernels' axpy (ServerStep's `axpy`) against its own float64
// loop: the same bits on both backends, on entries chosen to make a wrong rounding show (wide exponent
// gaps, subnormals, signed zeros, sums that overflow or cancel).
import { jsKernels, type Kernels, Rng } from '@starling/core';
import { loadBinding, nativeKernels } from '@starling/native';
import { ServerOptimizer } from '@starling/server';
import { describe, expect, it } from 'vitest';

const backends: [string, Kernels | null][] = [
  ['js', jsKernels],
  ['native', nativeKernels(loadBinding())],
];

/** Entries of both signs over every binade, plus the edge cases, from `rng`. */
function hard(rng: Rng, n: number): Float32Array {
  const special = [0, -0, 1e-45, -1e-45, 1.17549435e-38, 3.4028235e38, -3.4028235e38, 1, -1, 0.1, 16777216];
  return Float32Array.from({ length: n }, (_, i) =>
    i < special.length
      ? special[i]
      : (rng.nextUint32() & 1 ? -1 : 1) * 2 ** ((rng.nextUint32() % 276) - 149) * (1 + rng.nextUint32() / 2 ** 32),
  );
}

describe.each(backends)('plain step, lr 1, %s axpy', (_name, kernels) => {
  it.skipIf(kernels === null)('gives the bits of the float64 loop, and the same refusal', () => {
    if (!kernels) return;
    const rng = Rng.fromSeed(16);
    const outcomes = new Set<boolean>();
    for (let trial = 0; trial < 20; trial++) {
      const n = 1000 + trial * 37; // block remainders of every SIMD width
      const x = hard(rng, n);
      const d = hard(rng, n);
      for (let i = 0; i < n; i += 7) d[i] = -x[i]; // exact cancellation
      if (trial % 2 === 0) d.fill(0, 5, 7); // else ±max + ±max: the step overflows and is refused
      const loop = x.slice();
      for (let i = 0; i < n; i++) loop[i] += d[i];
      const fast = x.slice();
      let used = 0;
      const scan = (v: Float32Array) => v.findIndex((e) => !Number.isFinite(e));
      const counting = {
        axpy: (a: number, u: Float32Array, v: Float32Array) => {
          used++;
          kernels.axpy(a, u, v);
        },
      };
      const bad = new ServerOptimizer({ kind: 'plain' }).applyFinite(fast, d, scan, counting);
      expect(bad ?? '').not.toMatch(/^aggregate/);
      expect(used).toBe(1);
      const finite = loop.every((e) => Number.isFinite(e));
      if (finite) {
        expect(bad).toBeNull();
        expect(new Uint32Array(fast.buffer)).toEqual(new Uint32Array(loop.buffer));
      } else {
        expect(bad).toMatch(/^model\[\d+\] would be/);
        expect(new Uint32Array(fast.buffer)).toEqual(new Uint32Array(x.buffer)); // restored
      }
      outcomes.add(bad === null);
    }
    expect(outcomes).toEqual(new Set([true, false]));
  });

  it.skipIf(kernels === null)('keeps its own loop for lr ≠ 1', () => {
    if (!kernels) return;
    const x = Float32Array.from([1, 2, 3]);
    let used = 0;
    new ServerOptimizer({ kind: 'plain', lr: 0.5 }).applyFinite(x, Float32Array.from([2, 2, 2]), () => -1, {
      axpy: () => used++,
    });
    expect(used).toBe(0);
    expect(Array.from(x)).toEqual([2, 3, 4]);
  });
});
