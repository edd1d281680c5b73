import { decodeCompressed, jsKernels, makeCompressor, makeLayout, Rng, StarlingError } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { loadBinding } from './loader.js';
import { nativeKernels } from './native-kernels.js';

/*
 * Whole compressors built with the native kernels against the same compressors on the JS kernels:
 * identical payload bytes round after round (error feedback included), identical decoded floats, and
 * identical errors for malformed payloads.
 */
const native = nativeKernels(loadBinding());
const layout = makeLayout([
  { name: 'w', shape: [37, 29] },
  { name: 'b', shape: [29] },
]);

function update(round: number): Float32Array {
  const x = new Float32Array(layout.size);
  Rng.fromSeed(5)
    .fork('update', round)
    .fillNormal(x, 0, 10 ** ((round % 5) - 2));
  return x;
}

function errorOf(f: () => unknown): string {
  try {
    f();
    return 'no error';
  } catch (e) {
    expect(e).toBeInstanceOf(StarlingError);
    return (e as Error).message;
  }
}

const SPECS = [
  { kind: 'fp16' },
  { kind: 'bf16' },
  { kind: 'sign' },
  { kind: 'sign', errorFeedback: true },
  { kind: 'qsgd', levels: 1 },
  { kind: 'qsgd', levels: 4 },
  { kind: 'qsgd', levels: 16, errorFeedback: true },
  { kind: 'qsgd', levels: 1000 },
];

describe.each(SPECS)('compressor %o on native kernels', (spec) => {
  it('emits the bytes of the JS kernels and decodes them to the same floats', () => {
    expect(native.compress?.backend).toBe('native');
    const cj = makeCompressor(spec, layout, { kernels: jsKernels });
    const cn = makeCompressor(spec, layout, { kernels: native });
    const rj = Rng.fromSeed(77).fork('compress-up', 3);
    const rn = Rng.fromSeed(77).fork('compress-up', 3);
    for (let round = 0; round < 6; round++) {
      const x = update(round);
      const a = cj.compress(x, { rng: rj, round });
      const b = cn.compress(x, { rng: rn, round });
      expect(Buffer.from(b.bytes).equals(Buffer.from(a.bytes))).toBe(true);
      expect(b.theoreticalBits).toBe(a.theoreticalBits);
      const da = cj.decompress(a.bytes);
      const db = new Float32Array(layout.size);
      decodeCompressed(a.bytes, db, layout, native);
      expect(Buffer.from(db.buffer).equals(Buffer.from(da.buffer))).toBe(true);
    }
    expect(cn.state()).toEqual(cj.state());
  });

  it('rejects malformed payloads with the same error as the JS kernels', () => {
    const cj = makeCompressor(spec, layout, { kernels: jsKernels });
    const cn = makeCompressor(spec, layout, { kernels: native });
    const { bytes } = cj.compress(update(1), { rng: Rng.fromSeed(1), round: 0 });
    const rng = Rng.fromSeed(9);
    for (let t = 0; t < 40; t++) {
      const bad = bytes.slice(0, t === 0 ? bytes.length - 1 : bytes.length);
      if (t > 0) bad[8 + rng.int(bad.length - 8)] = t < 20 ? 0xff : rng.int(256);
      if (t === 1) bad[bad.length - 1] |= 0x80;
      expect(errorOf(() => cn.decompress(bad))).toBe(errorOf(() => cj.decompress(bad)));
    }
    const x = update(2);
    x[17] = Number.NaN;
    expect(errorOf(() => cn.compress(x, { rng, round: 0 }))).toBe(errorOf(() => cj.compress(x, { rng, round: 0 })));
  });
});
