import { StarlingError } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { loadBinding } from './loader.js';
import { nativeKernels } from './native-kernels.js';

const binding = loadBinding();
const k = nativeKernels(binding);

function rejects(run: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    run();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(StarlingError);
  expect((caught as StarlingError).code).toBe('internal');
  expect((caught as StarlingError).message).toMatch(message);
}

const f = (n: number) => new Float32Array(n);

describe('the native adapter validates arguments before calling C++', () => {
  it('names a too-short gemm operand and the size it needs', () => {
    rejects(
      () => k.gemm(false, false, 2, 3, 4, 1, f(7), f(12), 0, f(6)),
      /gemm: a\.length: expected at least m·k = 8, got 7/,
    );
    rejects(() => k.gemm(false, false, 2, 3, 4, 1, f(8), f(12), 0, f(5)), /gemm: c\.length: expected at least m·n = 6/);
  });

  it('rejects non-integer or negative dimensions and non-float32 arrays', () => {
    rejects(() => k.gemm(false, false, 1.5, 1, 1, 1, f(2), f(2), 0, f(2)), /gemm: m: expected an integer ≥ 0, got 1.5/);
    rejects(() => k.columnSums(-1, 2, f(2), f(2)), /columnSums: rows/);
    const wrong = new Float64Array(4) as unknown as Float32Array;
    rejects(() => k.sumSquares(wrong), /sumSquares: x: expected a Float32Array, got Float64Array/);
  });

  it('refuses an output that overlaps an input', () => {
    const buf = f(20);
    rejects(
      () => k.gemm(false, false, 2, 2, 2, 1, buf.subarray(0, 4), f(4), 0, buf.subarray(2, 6)),
      /gemm: c: expected memory disjoint from a/,
    );
    rejects(
      () => k.biasActivation('relu', 1, 4, buf.subarray(0, 4), f(4), buf.subarray(0, 4)),
      /allowed only for identity/,
    );
    rejects(() => k.axpy(1, buf.subarray(0, 4), buf.subarray(1, 5)), /axpy: y: expected memory disjoint from x/);
    rejects(() => k.sub(buf.subarray(0, 4), f(4), buf.subarray(1, 5)), /sub: out: expected memory disjoint from a/);
    rejects(() => k.sub(f(4), f(3), f(4)), /sub: b.length: expected a.length = 4, got 3/);
  });

  it('accepts the aliasing the interface allows', () => {
    const z = Float32Array.of(1, -2);
    k.biasActivation('identity', 1, 2, z, Float32Array.of(1, 1), z);
    expect(Array.from(z)).toEqual([2, -1]);
    const g = Float32Array.of(1, 2);
    k.activationBackward('relu', Float32Array.of(1, -1), Float32Array.of(1, 0), g, g);
    expect(Array.from(g)).toEqual([1, 0]);
  });

  it('checks labels, weight counts and optimizer state', () => {
    rejects(
      () => k.softmaxCrossEntropy(2, 3, f(6), Int32Array.of(0, 3), 1, f(6)),
      /softmaxCrossEntropy: labels\[1\]: expected a class in \[0, 3\), got 3/,
    );
    rejects(() => k.weightedSum([1], [f(3), f(3)], f(3)), /weightedSum: weights\.length: expected vectors\.length = 2/);
    rejects(
      () => k.optimizerStep({ kind: 'momentum', lr: 1, weightDecay: 0, momentum: 0.9 }, f(3), f(3), []),
      /optimizerStep: state\.length for momentum: expected 1, got 0/,
    );
    const p = f(4);
    rejects(() => k.optimizerStep({ kind: 'sgd', lr: 1, weightDecay: 0 }, p, p, []), /grad: expected memory disjoint/);
  });

  it('the raw binding itself refuses short arrays instead of reading past them', () => {
    expect(() => binding.gemm(false, false, 4, 4, 4, 1, f(15), f(16), 0, f(16))).toThrow(/a has 15 entries, needs 16/);
    expect(() => binding.softmaxCrossEntropy(1, 2, f(2), Int32Array.of(5), 1, f(2), undefined)).toThrow(RangeError);
  });
});

describe('threads', () => {
  it('splitting one large GEMM over two threads gives bit-identical results', () => {
    const [m, n, kk] = [128, 784, 200];
    const a = Float32Array.from({ length: m * kk }, (_, i) => Math.sin(i));
    const b = Float32Array.from({ length: kk * n }, (_, i) => Math.cos(i * 0.7));
    const one = f(m * n);
    const two = f(m * n);
    k.gemm(false, true, m, n, kk, 1, a, b, 0, one);
    binding.setThreads(2);
    try {
      k.gemm(false, true, m, n, kk, 1, a, b, 0, two);
    } finally {
      binding.setThreads(1);
    }
    expect(two).toEqual(one);
  });
});
