import { describe, expect, it } from 'vitest';
import { checkNonFiniteScan, firstNonFinite } from './non-finite.js';

describe('checkNonFiniteScan', () => {
  const naive = (x: Float32Array) => x.findIndex((v) => !Number.isFinite(v));

  it('accepts the reference and an independent per-entry scan', () => {
    expect(checkNonFiniteScan(firstNonFinite)).toBeNull();
    expect(checkNonFiniteScan(naive)).toBeNull();
  });

  it.each([
    ['misses NaN', (x: Float32Array) => x.findIndex((v) => Math.abs(v) === Number.POSITIVE_INFINITY)],
    ['skips the tail after the last 8 entries', (x: Float32Array) => naive(x.subarray(0, x.length & ~7))],
    ['reports the last bad entry', (x: Float32Array) => x.findLastIndex((v) => !Number.isFinite(v))],
    ['flags the largest float32 as infinite', (x: Float32Array) => x.findIndex((v) => !(Math.abs(v) < 3e38))],
    [
      'throws',
      () => {
        throw new Error('boom');
      },
    ],
  ])('refuses a scan that %s', (_what, scan) => {
    expect(checkNonFiniteScan(scan)).toMatch(/^on \d+ entries at offset \d+ it answered .+, expected -?\d+$/);
  });
});
