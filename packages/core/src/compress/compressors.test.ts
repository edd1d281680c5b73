import { describe, expect, it } from 'vitest';
import { StarlingError } from '../errors.js';
import { makeLayout } from '../layout.js';
import { Rng } from '../rng/rng.js';
import { CompressorBank } from './compressor-bank.js';
import {
  COMPRESSOR_KINDS,
  compressorEntry,
  compressors,
  parseCompressorSpec,
  registerCompressor,
} from './compressors.js';
import { makeCompressor } from './make-compressor.js';

const layout = makeLayout([{ name: 'v', shape: [100] }]);

function configError(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(StarlingError);
    expect((err as StarlingError).code).toBe('config');
    return (err as StarlingError).message;
  }
  throw new Error('expected a config error');
}

describe('compressor specs', () => {
  it('name the option path in every error', () => {
    const at = 'compression.up';
    expect(configError(() => parseCompressorSpec({ kind: 'topk', ratio: 1.5 }, at))).toBe(
      'compression.up.ratio must be <= 1, got 1.5',
    );
    expect(configError(() => parseCompressorSpec({ kind: 'zip' }, at))).toMatch(
      /^compression.up.kind must be one of none, fp16, bf16, qsgd, sign, topk, randk, dropout, powersgd, got "zip"/,
    );
    expect(configError(() => parseCompressorSpec({ kind: 'topk', ratoi: 0.1 }, at))).toMatch(
      /^compression.up.ratoi must be absent \(the topk compressor takes kind, ratio, count, errorFeedback\), got 0.1;/,
    );
    expect(configError(() => parseCompressorSpec({ kind: 'topk', ratio: 0.1, count: 3 }, at))).toMatch(/not both/);
    expect(configError(() => parseCompressorSpec({ kind: 'randk' }, at))).toMatch(/compression.up.ratio must be given/);
    expect(configError(() => parseCompressorSpec({ kind: 'qsgd', levels: 0 }, at))).toBe(
      'compression.up.levels must be >= 1, got 0',
    );
    expect(configError(() => parseCompressorSpec({ kind: 'dropout', p: 0 }, at))).toMatch(
      /^compression.up.p must be > 0, got 0$/,
    );
    expect(configError(() => parseCompressorSpec({ kind: 'powersgd', rank: 1.5 }, at))).toBe(
      'compression.up.rank must be an integer, got 1.5',
    );
    expect(configError(() => parseCompressorSpec({ kind: 'qsgd', levels: 65536 }, at))).toBe(
      'compression.up.levels must be <= 65535, got 65536',
    );
    expect(configError(() => parseCompressorSpec({ kind: 'sign', errorFeedback: 'yes' }, at))).toMatch(
      /compression.up.errorFeedback must be true or false/,
    );
    expect(configError(() => parseCompressorSpec('topk', at))).toMatch(/^compression.up must be an object/);
    expect(configError(() => makeCompressor({ kind: 'topk', count: 101 }, layout, { path: at }))).toBe(
      'compression.up.count must be at most the model size 100, got 101',
    );
  });

  it('fill defaults and accept every kind', () => {
    expect(parseCompressorSpec({ kind: 'randk', ratio: 0.01 })).toEqual({
      kind: 'randk',
      ratio: 0.01,
      unbiased: false,
      errorFeedback: false,
    });
    for (const spec of [
      { kind: 'none' },
      { kind: 'fp16' },
      { kind: 'bf16' },
      { kind: 'qsgd', levels: 16 },
      { kind: 'sign', errorFeedback: true },
      { kind: 'topk', count: 5 },
      { kind: 'randk', ratio: 0.2, unbiased: true },
      { kind: 'dropout', p: 0.5 },
      { kind: 'powersgd', rank: 2 },
    ]) {
      const c = makeCompressor(spec, layout);
      expect(c.kind).toBe(spec.kind);
      expect(c.errorFeedback).toBe(spec.kind === 'sign');
    }
  });

  it('top-k by ratio keeps max(1, round(ratio·d)) entries', () => {
    const c = makeCompressor({ kind: 'topk', ratio: 0.001 }, layout);
    const x = new Float32Array(100).fill(1);
    const out = c.decompress(c.compress(x, { rng: Rng.fromSeed(0), round: 0 }).bytes);
    expect(out.filter((v) => v !== 0).length).toBe(1);
  });

  it('reject inputs of the wrong length or with NaN', () => {
    const c = makeCompressor({ kind: 'sign' }, layout);
    const ctx = { rng: Rng.fromSeed(0), round: 0 };
    expect(() => c.compress(new Float32Array(99), ctx)).toThrow(/expected 100, got 99/);
    const x = new Float32Array(100);
    x[7] = Number.NaN;
    expect(() => c.compress(x, ctx)).toThrow(/input entry 7 is NaN/);
  });
});

describe('compressor banks', () => {
  it('keep one stateful compressor per key and checkpoint them all', () => {
    const spec = { kind: 'topk', count: 10, errorFeedback: true };
    const bank = new CompressorBank(spec, layout, { path: 'compression.up' });
    const x = new Float32Array(100);
    Rng.fromSeed(1).fillNormal(x);
    const rng = Rng.fromSeed(2);
    bank.get(0).compress(x, { rng, round: 0 });
    expect(bank.get(0)).toBe(bank.get('0'));
    expect(bank.get(1).state()).toEqual({});
    const saved = bank.state();
    expect(Object.keys(saved)).toEqual(['0', '1']);
    const restored = new CompressorBank(spec, layout);
    restored.load(saved);
    expect(restored.get(0).compress(x, { rng, round: 1 }).bytes).toEqual(
      bank.get(0).compress(x, { rng, round: 1 }).bytes,
    );
    expect(() => new CompressorBank({ kind: 'topk' }, layout, { path: 'compression.down' })).toThrow(
      /compression.down.ratio/,
    );
  });
});

describe('the compressors table', () => {
  // What parseCompressorSpec and the CLI schema filled in before the table (errorFeedback and unbiased false).
  const defaults: Record<string, [Record<string, unknown>, Record<string, unknown>]> = {
    none: [{}, { errorFeedback: false }],
    fp16: [{}, { errorFeedback: false }],
    bf16: [{}, { errorFeedback: false }],
    qsgd: [{ levels: 16 }, { levels: 16, errorFeedback: false }],
    sign: [{}, { errorFeedback: false }],
    topk: [{ ratio: 0.1 }, { ratio: 0.1, errorFeedback: false }],
    randk: [{ count: 3 }, { count: 3, unbiased: false, errorFeedback: false }],
    dropout: [{ p: 0.5 }, { p: 0.5, unbiased: false, errorFeedback: false }],
    powersgd: [{ rank: 2 }, { rank: 2, errorFeedback: false }],
  };

  it('keeps the wire ids of docs/compression.md: kind i has id i', () => {
    expect(COMPRESSOR_KINDS).toEqual(['none', 'fp16', 'bf16', 'qsgd', 'sign', 'topk', 'randk', 'dropout', 'powersgd']);
    expect(compressors.entries().map((e) => [e.kind, e.wireId])).toEqual(COMPRESSOR_KINDS.map((k, i) => [k, i]));
    expect(Object.keys(defaults)).toEqual(compressors.kinds());
  });

  it.each(Object.entries(defaults))('%s: schema defaults are the old resolved values', (kind, [given, want]) => {
    expect(parseCompressorSpec({ kind, ...given })).toEqual({ kind, ...want });
  });

  it('refuses a second kind with a used wire id', () => {
    expect(() => registerCompressor({ ...compressorEntry('sign'), kind: 'sign2' })).toThrow(/wire id 4 is not a free/);
  });
});
