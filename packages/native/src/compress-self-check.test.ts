import { describe, expect, it } from 'vitest';
import type { NativeBinding } from './binding.js';
import { compressSelfCheck } from './compress-self-check.js';
import { loadBinding } from './loader.js';

const binding = loadBinding();

/** A copy of the binding with one method replaced (the addon's own properties are read-only). */
function tampered(name: keyof NativeBinding, replacement: (...args: never[]) => unknown): NativeBinding {
  const copy: Record<string, unknown> = {};
  for (const key of Object.getOwnPropertyNames(binding)) {
    const value = (binding as unknown as Record<string, unknown>)[key];
    copy[key] = typeof value === 'function' ? value.bind(binding) : value;
  }
  copy[name] = replacement;
  return copy as unknown as NativeBinding;
}

describe('compressSelfCheck', () => {
  it.each(binding.simdLevels())('passes at SIMD level %s', (level) => {
    binding.setSimd(level);
    try {
      expect(compressSelfCheck(binding)).toBeUndefined();
    } finally {
      binding.setSimd('auto');
    }
  });

  it('names the loop whose output differs from the reference', () => {
    const flipBit = tampered('qsgdQuantizePack', (...args: never[]) => {
      (binding.qsgdQuantizePack as (...a: never[]) => void)(...args);
      (args[9] as Uint8Array)[3] ^= 4;
    });
    expect(compressSelfCheck(flipBit)).toMatch(/qsgdQuantizePack differs from the reference/);
    const wrongSum = tampered(
      'packSigns',
      (...args: never[]) => (binding.packSigns as (...a: never[]) => number)(...args) + 1e-9,
    );
    expect(compressSelfCheck(wrongSum)).toMatch(/packSigns differs/);
  });
});
