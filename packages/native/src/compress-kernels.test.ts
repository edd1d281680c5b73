import { type CompressKernels, jsCompressKernels, qsgdCodeBits, Rng } from '@starling/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBinding } from './loader.js';
import { nativeCompressKernels } from './native-compress-kernels.js';

/*
 * The native compression loops against the JS reference (jsCompressKernels), at every SIMD level this
 * CPU has: payload bytes, returned sums and indices, and decoded floats must be identical bit for bit.
 */
const binding = loadBinding();
const native = nativeCompressKernels(binding);
const js: CompressKernels = jsCompressKernels;
const LENGTHS = [0, 1, 7, 8, 9, 15, 17, 31, 33, 255, 257, 1000, 1_000_000];

function bitsOf(x: Float32Array): Uint32Array {
  return new Uint32Array(x.buffer, x.byteOffset, x.length);
}

type Words = Uint8Array | Uint16Array | Uint32Array;

/** Fast exact comparison (toEqual is slow on 10⁶-entry arrays): reports the first differing index. */
function expectSame(got: Words, want: Words, what = 'entry'): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    if (got[i] !== want[i]) throw new Error(`${what} ${i}: native ${got[i]}, reference ${want[i]}`);
  }
}

const cache = new Map<string, Float32Array>();
function cached(key: string, make: () => Float32Array): Float32Array {
  let x = cache.get(key);
  if (x === undefined) cache.set(key, (x = make()));
  return x;
}

/** Finite entries over many magnitudes, with zeros, −0, subnormals and exact fp16/bf16 ties mixed in. */
function sample(d: number, seed: number): Float32Array {
  return cached(`s${d}/${seed}`, () => makeSample(d, seed));
}

function makeSample(d: number, seed: number): Float32Array {
  const rng = Rng.fromSeed(seed).fork('compress-sample', d);
  const x = new Float32Array(d);
  const bits = bitsOf(x);
  for (let i = 0; i < d; i++) {
    const pick = rng.int(16);
    if (pick === 0) x[i] = 0;
    else if (pick === 1) bits[i] = 0x80000000;
    else if (pick === 2)
      bits[i] = (rng.nextUint32() & 0x807fffff) >>> 0; // subnormal
    else if (pick === 3)
      bits[i] = ((rng.nextUint32() & 0xffffe000) | 0x1000) >>> 0; // fp16 tie
    else if (pick === 4)
      bits[i] = ((rng.nextUint32() & 0xffff0000) | 0x8000) >>> 0; // bf16 tie
    else if (pick === 5)
      x[i] = rng.normal() * 7e4; // near and past the fp16 maximum
    else x[i] = rng.normal() * 10 ** (rng.int(12) - 6);
    if (!Number.isFinite(x[i])) x[i] = 1.5;
  }
  return x;
}

/** `sample` with magnitudes above 1e15 scaled down, so ‖x‖₂ fits in float32 (QSGD's norm). */
function moderate(d: number, seed: number): Float32Array {
  return cached(`m${d}/${seed}`, () => sample(d, seed).map((v) => (Math.abs(v) > 1e15 ? v * 1e-30 : v)));
}

/** Any bit pattern, NaN and Inf included. */
function anyBits(d: number, seed: number): Float32Array {
  return cached(`b${d}/${seed}`, () => makeAnyBits(d, seed));
}

function makeAnyBits(d: number, seed: number): Float32Array {
  const x = new Float32Array(d);
  const rng = Rng.fromSeed(seed);
  const bits = bitsOf(x);
  for (let i = 0; i < d; i++) bits[i] = rng.nextUint32();
  return x;
}

describe.each(binding.simdLevels())('native compression kernels at SIMD level %s', (level) => {
  beforeAll(() => {
    binding.setSimd(level);
  });
  afterAll(() => {
    binding.setSimd('auto');
  });

  it.each(LENGTHS)('encodes fp16 and bf16 to the same bits, d = %i', (d) => {
    for (const x of [sample(d, 1), anyBits(d, 2)]) {
      for (const kind of ['encodeF16', 'encodeBf16'] as const) {
        const a = new Uint16Array(d);
        const b = new Uint16Array(d);
        js[kind](x, a);
        native[kind](x, b);
        expectSame(b, a, kind);
      }
    }
  });

  it('decodes all 65536 fp16 and bf16 patterns like the reference, reporting the first Inf/NaN', () => {
    for (const [kind, special] of [
      ['decodeF16', 0x7c00],
      ['decodeBf16', 0x7f80],
    ] as const) {
      const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
      const valid = all.filter((h) => (h & special) !== special);
      const a = new Float32Array(valid.length);
      const b = new Float32Array(valid.length);
      expect(native[kind](valid, b)).toBe(js[kind](valid, a));
      expectSame(bitsOf(b), bitsOf(a), kind);
      for (const at of [0, 3, 8, 13, 40, 999]) {
        const h = valid.slice(0, 1000);
        h[at] = special | (at & 1 ? 0x8001 : 0);
        const c = new Float32Array(1000).fill(-1);
        const e = new Float32Array(1000).fill(-1);
        expect(native[kind](h, c)).toBe(at);
        expect(js[kind](h, e)).toBe(at);
        expectSame(bitsOf(c), bitsOf(e), kind);
      }
    }
  });

  it.each(LENGTHS)('packs signs and sums |x| identically, d = %i', (d) => {
    for (const x of [sample(d, 3), anyBits(d, 4)]) {
      const a = new Uint8Array(3 + Math.ceil(d / 8)).fill(0xee);
      const b = a.slice();
      const la = js.packSigns(x, a, 3);
      expect(native.packSigns(x, b, 3)).toBe(la);
      expectSame(b, a, 'byte');
    }
  });

  it.each(LENGTHS)('unpacks signs identically, padding included, d = %i', (d) => {
    const rng = Rng.fromSeed(d + 5);
    const bytes = new Uint8Array(1 + Math.ceil(d / 8));
    for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
    for (const scale of [0, 0.1, 2.5, 3.4e38]) {
      for (const clear of [false, true]) {
        if (clear && d % 8 !== 0) bytes[bytes.length - 1] &= (1 << (d % 8)) - 1;
        const a = new Float32Array(d);
        const b = new Float32Array(d);
        expect(native.unpackSigns(bytes, 1, scale, b)).toBe(js.unpackSigns(bytes, 1, scale, a));
        expectSame(bitsOf(b), bitsOf(a));
      }
    }
  });

  it.each(LENGTHS)('sums squares in 8 lanes and finds the first non-finite entry, d = %i', (d) => {
    const x = sample(d, 6);
    expect(native.sumSquares8(x)).toBe(js.sumSquares8(x));
    expect(native.firstNonFinite(x)).toBe(-1);
    for (const at of [0, 5, 8, 31, 32, 40, d - 1]) {
      if (at < 0 || at >= d) continue;
      const y = x.slice();
      y[at] = at % 2 ? Number.NaN : Number.NEGATIVE_INFINITY;
      expect(native.firstNonFinite(y)).toBe(at);
      expect(js.firstNonFinite(y)).toBe(at);
    }
  });

  const LEVELS = [1, 2, 3, 4, 7, 16, 127, 128, 255, 65535];

  /** Quantizes x with both backends from the same stream position; returns both payloads. */
  function quantizeBoth(x: Float32Array, s: number, seed: number, skip: number, norm?: number) {
    const width = qsgdCodeBits(s);
    const n = norm ?? Math.fround(Math.sqrt(js.sumSquares8(x)));
    const size = 2 + Math.ceil((x.length * width) / 8);
    const ra = Rng.fromSeed(seed).fork('qsgd', s);
    const rb = Rng.fromSeed(seed).fork('qsgd', s);
    ra.skip(skip);
    rb.skip(skip);
    const a = new Uint8Array(size).fill(0xa5);
    const b = a.slice();
    js.qsgdQuantizePack(x, n, s, width, ra, a, 2);
    native.qsgdQuantizePack(x, n, s, width, rb, b, 2);
    expect(rb.position()).toEqual(ra.position());
    expect(rb.nextUint32()).toBe(ra.nextUint32());
    return { a, b, width, norm: n };
  }

  it.each(LENGTHS)(
    'quantizes QSGD codes to the same bytes and leaves the Rng where the reference does, d = %i',
    (d) => {
      const x = moderate(d, 7);
      const levels = d >= 1e6 ? [1, 4, 16, 255] : LEVELS;
      for (const s of levels) {
        for (const [seed, skip] of [
          [1, 0],
          [2, 1],
          [3, 3],
          [4, 6],
        ]) {
          const { a, b } = quantizeBoth(x, s, seed, skip);
          expectSame(b, a, `s = ${s}, seed ${seed}, byte`);
        }
      }
    },
  );

  it('clamps like the reference when |x_i| exceeds the norm; handles norm 0, NaN/Inf entries and a counter past 2^32', () => {
    const x = moderate(1000, 8);
    for (const s of [3, 16, 300]) {
      for (const norm of [0, 1e-3, 5e-45]) {
        const { a, b } = quantizeBoth(x, s, 9, 2, norm);
        expectSame(b, a, `norm ${norm}, byte`);
      }
      const { a, b } = quantizeBoth(x, s, 10, 4 * 0xffffffff - 41);
      expectSame(b, a, 'counter carry, byte');
      const odd = x.slice();
      odd.set([Number.NaN, -Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0], 8);
      odd.set([Number.NaN, Number.NEGATIVE_INFINITY], 501);
      const c = quantizeBoth(odd, s, 11, 1, 2);
      expectSame(c.b, c.a, 'NaN and Inf entries, byte');
    }
  });

  it.each([1, 7, 9, 64, 1001])('unpacks QSGD payloads identically, valid or not, d = %i', (d) => {
    const x = moderate(d, 11);
    for (const s of LEVELS) {
      const { a, width, norm } = quantizeBoth(x, s, 12, 0);
      const rng = Rng.fromSeed(s * 1000 + d);
      const variants: Uint8Array[] = [a];
      for (let v = 0; v < 6; v++) {
        const bad = a.slice();
        if (v < 3) bad[2 + rng.int(bad.length - 2)] ^= 1 << rng.int(8);
        else if (v === 3) bad[bad.length - 1] |= 0x80;
        else for (let i = 2; i < bad.length; i++) bad[i] = rng.int(256);
        variants.push(bad);
      }
      for (const bytes of variants) {
        const oa = new Float32Array(d).fill(-7);
        const ob = oa.slice();
        const ra = js.qsgdUnpack(bytes, 2, norm, s, width, oa);
        expect(native.qsgdUnpack(bytes, 2, norm, s, width, ob)).toBe(ra);
        expectSame(bitsOf(ob), bitsOf(oa), `s = ${s}, result ${ra}, entry`);
      }
      expect(js.qsgdUnpack(a, 2, norm, s, width, new Float32Array(d))).toBe(-1);
    }
  });
});

describe('native compression kernels refuse bad arguments without touching memory', () => {
  it('the adapter names the kernel and the argument', () => {
    const x = new Float32Array(10);
    const rng = Rng.fromSeed(1);
    expect(() => native.packSigns(x, new Uint8Array(2), 1)).toThrow(/packSigns: bytes.length/);
    expect(() => native.encodeF16(x, new Uint16Array(9))).toThrow(/encodeF16: out.length/);
    expect(() => native.decodeF16(new Uint16Array(4), new Float32Array(3))).toThrow(/decodeF16: out.length/);
    expect(() => native.qsgdQuantizePack(x, 1, 4, 3, rng, new Uint8Array(8), 0)).toThrow(/width/);
    expect(() => native.qsgdQuantizePack(x, -1, 4, 4, rng, new Uint8Array(8), 0)).toThrow(/norm/);
    expect(() => native.qsgdQuantizePack(x, 1, 0, 2, rng, new Uint8Array(8), 0)).toThrow(/ s: /);
    expect(() => native.qsgdUnpack(new Uint8Array(5), 1, 1, 4, 4, x)).toThrow(/qsgdUnpack: bytes.length/);
    expect(() => native.unpackSigns(new Uint8Array(4), -1, 1, x)).toThrow(/offset/);
    const shared = new Float32Array(8);
    expect(() => native.encodeF16(shared, new Uint16Array(shared.buffer, 0, 8))).toThrow(/disjoint/);
    expect(rng.position()).toEqual({ counterLo: 0, counterHi: 0, word: 0 });
  });

  it('the raw binding throws instead of reading or writing out of bounds', () => {
    const x = new Float32Array(100);
    expect(() => binding.packSigns(x, new Uint8Array(12), 0)).toThrow(RangeError);
    expect(() => binding.packSigns(x, new Uint8Array(13), 2 ** 40)).toThrow(RangeError);
    expect(() => binding.qsgdQuantizePack(x, 1, 4, 4, 0, 0, 0, 0, 0, new Uint8Array(49), 0)).toThrow(RangeError);
    expect(() => binding.qsgdQuantizePack(x, 1, 4, 5, 0, 0, 0, 0, 0, new Uint8Array(99), 0)).toThrow(RangeError);
    expect(() => binding.qsgdQuantizePack(x, 1, 4, 4, 0, 0, 0, 0, 4, new Uint8Array(99), 0)).toThrow(RangeError);
    expect(() => binding.qsgdUnpack(new Uint8Array(49), 0, 1, 4, 4, x)).toThrow(RangeError);
    expect(() => binding.decodeF16(new Uint16Array(101), x)).toThrow(RangeError);
    expect(() => binding.encodeBf16(x, new Uint8Array(200) as unknown as Uint16Array)).toThrow(TypeError);
    expect(() => binding.unpackSigns(new Uint8Array(13), 1, 1, x)).toThrow(RangeError);
  });
});
