import { describe, expect, it } from 'vitest';
import type { NativeBinding } from './binding.js';
import { loadBinding } from './loader.js';
import { robustSelfCheck } from './robust-self-check.js';

const binding = loadBinding();

/** The binding with one method replaced (defined on an object whose prototype is the addon instance). */
function tampered<K extends keyof NativeBinding>(name: K, replacement: NativeBinding[K]): NativeBinding {
  const copy: NativeBinding = Object.create(binding);
  Object.defineProperty(copy, name, { value: replacement });
  return copy;
}

describe('robustSelfCheck', () => {
  it.each(binding.simdLevels())('passes at SIMD level %s', (level) => {
    binding.setSimd(level);
    try {
      expect(robustSelfCheck(binding)).toBeUndefined();
    } finally {
      binding.setSimd('auto');
    }
  });

  it('names the loop whose output differs from the reference', () => {
    const flipSign = tampered('trimmedMean', (vectors, trim, out) => {
      binding.trimmedMean(vectors, trim, out);
      out[18] = -out[18];
    });
    expect(robustSelfCheck(flipSign)).toMatch(/trimmedMean differs from the reference/);
    const offByUlp = tampered('pairwiseSquaredDistances', (vectors, out) => {
      binding.pairwiseSquaredDistances(vectors, out);
      out[1] *= 1 + 2 ** -52;
    });
    expect(robustSelfCheck(offByUlp)).toMatch(/pairwiseSquaredDistances differs/);
  });
});
