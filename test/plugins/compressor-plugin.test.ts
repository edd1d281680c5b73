import { validateConfig } from '@starling/cli';
import {
  COMPRESSOR_KINDS,
  compressorEntry,
  compressors,
  decodeCompressed,
  makeCompressor,
  makeLayout,
  Rng,
  readHeader,
  StarlingError,
} from '@starling/core';
import { describe, expect, it } from 'vitest';
import './int8-compressor.js';

const layout = makeLayout([{ name: 'w', shape: [2, 3] }]);
const x = Float32Array.of(0.75, -1.4, 0.05, 0, 1.39, -0.2);
const ctx = { rng: Rng.fromSeed(3), round: 0 };
const config = (up: unknown) => ({
  name: 'plugin',
  data: { kind: 'mnist' },
  model: { kind: 'softmax' },
  loss: { kind: 'softmax_ce' },
  optimizer: { kind: 'sgd', lr: 0.1 },
  algorithm: { kind: 'fedavg', rounds: 1, clients: 2 },
  compression: { up },
});

describe('a compressor kind added from one file', () => {
  it('joins the table after the built-ins, whose wire order does not change', () => {
    expect(COMPRESSOR_KINDS).toEqual(['none', 'fp16', 'bf16', 'qsgd', 'sign', 'topk', 'randk', 'dropout', 'powersgd']);
    expect(compressors.kinds()).toEqual([...COMPRESSOR_KINDS, 'int8']);
  });

  it('compresses through makeCompressor and decodes through decodeCompressed', () => {
    const c = makeCompressor({ kind: 'int8', bits: 4 }, layout, { path: 'compression.up' });
    const { bytes, theoreticalBits } = c.compress(x, ctx);
    expect(bytes[1]).toBe(9); // its wire id
    expect(readHeader(bytes)).toEqual({ kind: 'int8', flags: 0, length: 6 });
    expect(theoreticalBits).toBe(32 + 4 * 6);
    // 4 bits: 7 levels, σ = 1.4/7 = 0.2; q = round(x/σ) by hand.
    const sigma = Math.fround(Math.fround(1.4) / 7);
    const expected = [4, -7, 0, 0, 7, -1].map((q) => Math.fround(sigma * q));
    const out = new Float32Array(6);
    expect(decodeCompressed(bytes, out, layout).kind).toBe('int8');
    expect([...out]).toEqual(expected);
    expect([...c.decompress(bytes)]).toEqual(expected);
  });

  it('gets error feedback like any kind', () => {
    const c = makeCompressor({ kind: 'int8', bits: 2, errorFeedback: true }, layout);
    expect(c.errorFeedback).toBe(true);
    const first = c.decompress(c.compress(x, ctx).bytes);
    // The memory holds what was not sent: x − C(x).
    expect([...c.state()['ef.memory']]).toEqual([...x].map((v, i) => Math.fround(v - first[i])));
  });

  it('is accepted, defaulted and checked by the composed experiment schema', () => {
    expect(validateConfig(config({ kind: 'int8' })).compression.up).toEqual({
      kind: 'int8',
      bits: 8,
      errorFeedback: false,
    });
    const message = (up: unknown) => {
      try {
        validateConfig(config(up));
      } catch (err) {
        expect(err).toBeInstanceOf(StarlingError);
        return (err as Error).message;
      }
      throw new Error('expected a config error');
    };
    expect(message({ kind: 'int8', bits: 9 })).toMatch(/compression\.up\.bits must be <= 8, got 9/);
    expect(message({ kind: 'int8', level: 3 })).toMatch(
      /compression\.up\.level must be absent \(the int8 compressor takes kind, bits, errorFeedback\), got 3/,
    );
    expect(message({ kind: 'int9' })).toMatch(
      /compression\.up\.kind must be one of none, .*, powersgd, int8, got "int9"/,
    );
  });

  it('declares no CHOCO contraction factor (chocoScale then uses 1)', () => {
    expect(compressorEntry('int8').contraction).toBeUndefined();
    expect(compressorEntry('qsgd').contraction?.({ kind: 'qsgd', levels: 4, errorFeedback: false }, 7850)).toBeCloseTo(
      1 / (1 + Math.sqrt(7850) / 4),
      12,
    );
  });
});
