import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsKernels, StarlingError } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { kernelsModeFromEnv, loadKernels } from './load-kernels.js';
import { loadBinding, PACKAGE_ROOT } from './loader.js';

const ADDON = join(PACKAGE_ROOT, 'build', 'Release', 'starling_native.node');

/** Runs a fresh Node process that loads the addon with `env` and prints its SIMD level. */
function simdInChild(env: Record<string, string>): { status: number | null; out: string; err: string } {
  const run = spawnSync(process.execPath, ['-e', `console.log(require(${JSON.stringify(ADDON)}).simd())`], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { status: run.status, out: run.stdout.trim(), err: run.stderr };
}

describe('loadKernels', () => {
  it('js mode returns the reference kernels with no warning', () => {
    expect(loadKernels('js')).toEqual({ kernels: jsKernels, backend: 'js' });
  });

  it('native mode loads the addon at its best SIMD level', () => {
    const loaded = loadKernels('native');
    expect(loaded.backend).toBe('native');
    expect(loaded.kernels.backend).toBe('native');
    const levels = loadBinding().simdLevels();
    expect(loaded.simd).toBe(levels[levels.length - 1]);
    expect(loaded.warning).toBeUndefined();
  });

  it('auto mode prefers native when it loads', () => {
    expect(loadKernels('auto').backend).toBe('native');
  });

  it('rejects an unknown mode with a config error', () => {
    expect(() => loadKernels('fast' as 'js')).toThrow(/kernels must be one of auto, native, js, got "fast"/);
  });
});

describe('kernelsModeFromEnv', () => {
  it('reads STARLING_KERNELS and leaves the default to the caller when unset', () => {
    expect(kernelsModeFromEnv({})).toBeUndefined();
    expect(kernelsModeFromEnv({ STARLING_KERNELS: '' })).toBeUndefined();
    expect(kernelsModeFromEnv({ STARLING_KERNELS: 'native' })).toBe('native');
  });

  it('rejects other values naming the variable', () => {
    let caught: unknown;
    try {
      kernelsModeFromEnv({ STARLING_KERNELS: 'gpu' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(StarlingError);
    expect((caught as StarlingError).code).toBe('config');
    expect((caught as StarlingError).message).toBe('STARLING_KERNELS must be one of auto, native, js, got "gpu"');
  });
});

describe('SIMD levels', () => {
  it('detects the levels the CPU advertises', () => {
    const levels = loadBinding().simdLevels();
    expect(levels[0]).toBe('portable');
    if (process.platform === 'linux' && process.arch === 'x64') {
      const flags = new Set(/^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1].trim().split(/\s+/));
      expect(levels.includes('avx2')).toBe(flags.has('avx2') && flags.has('fma'));
      expect(levels.includes('avx512')).toBe(['avx512f', 'avx512bw', 'avx512vl', 'avx2'].every((f) => flags.has(f)));
    }
  });

  it('STARLING_SIMD pins each supported level in a new process', () => {
    for (const level of loadBinding().simdLevels()) {
      expect(simdInChild({ STARLING_SIMD: level })).toMatchObject({ status: 0, out: level });
    }
  });

  it('an unsupported STARLING_SIMD makes loading fail with the levels this CPU has', () => {
    const run = simdInChild({ STARLING_SIMD: 'sse9' });
    expect(run.status).not.toBe(0);
    expect(run.err).toMatch(/STARLING_SIMD must be auto or a level this CPU supports \(portable[^)]*\), got "sse9"/);
  });

  it('setSimd switches this thread and refuses unknown levels', () => {
    const binding = loadBinding();
    expect(binding.setSimd('portable')).toBe('portable');
    expect(binding.simd()).toBe('portable');
    expect(() => binding.setSimd('mmx' as 'auto')).toThrow(RangeError);
    binding.setSimd('auto');
  });
});
