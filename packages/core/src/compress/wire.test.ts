import { describe, expect, it } from 'vitest';
import { StarlingError } from '../errors.js';
import { makeLayout } from '../layout.js';
import { Rng } from '../rng/rng.js';
import type { CompressorSpec } from './compressors.js';
import { decodeCompressed } from './decode.js';
import { bf16BitsToNumber, f16BitsToNumber, f32BitsToBf16, f32BitsToF16, float32Bits } from './half.js';
import { makeCompressor } from './make-compressor.js';

const layout = makeLayout([
  { name: 'w', shape: [40, 25] },
  { name: 'b', shape: [25] },
  { name: 'v', shape: [3] },
]);
const d = layout.size;
const x = new Float32Array(d);
Rng.fromSeed(11).fillNormal(x);
const ctx = { rng: Rng.fromSeed(12), round: 0 };
const l1 = x.reduce((a, b) => a + Math.abs(b), 0);

/** Each spec, the bytes its payload adds to the theoretical bits (header and fixed fields), and a reference output. */
const cases: [CompressorSpec, number, ((out: Float32Array) => void) | null][] = [
  [{ kind: 'none' }, 8, (out) => expect(out).toEqual(x)],
  [{ kind: 'fp16' }, 8, (out) => expect(out).toEqual(x.map((v) => f16BitsToNumber(f32BitsToF16(float32Bits(v)))))],
  [{ kind: 'bf16' }, 8, (out) => expect(out).toEqual(x.map((v) => bf16BitsToNumber(f32BitsToBf16(float32Bits(v)))))],
  [{ kind: 'qsgd', levels: 4 }, 12, null],
  [{ kind: 'qsgd', levels: 255 }, 12, null],
  [{ kind: 'sign' }, 8, (out) => expect(out).toEqual(x.map((v) => (v < 0 ? -1 : 1) * Math.fround(l1 / d)))],
  [{ kind: 'topk', ratio: 0.05 }, 12, null],
  [{ kind: 'randk', ratio: 0.05, unbiased: true }, 20, null],
  [{ kind: 'dropout', p: 1 }, 8, (out) => expect(out).toEqual(x)],
  [{ kind: 'powersgd', rank: 2 }, 16, null],
];

function expectProtocolError(run: () => unknown, pattern: RegExp): void {
  let caught: unknown = null;
  try {
    run();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(StarlingError);
  expect((caught as StarlingError).code).toBe('protocol');
  expect((caught as StarlingError).message).toMatch(pattern);
}

describe.each(cases)('%o on the wire', (spec, fixedBytes, reference) => {
  const c = makeCompressor(spec, layout);
  const { bytes, theoreticalBits } = c.compress(x, ctx);

  it('decodes to the intended output, from any byte offset', () => {
    const out = c.decompress(bytes);
    reference?.(out);
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(decodeCompressed(shifted.subarray(3), new Float32Array(d), layout)).toMatchObject({ kind: spec.kind });
    expect(c.decompress(shifted.subarray(3))).toEqual(out);
  });

  it('sends the theoretical bits plus its fixed fields and under a byte of padding', () => {
    const extra = bytes.length * 8 - theoreticalBits - fixedBytes * 8;
    if (spec.kind === 'topk') {
      // Varint gaps vs the log2 C(d, k) bound: never below it by more than a byte per index, and close above.
      const k = Math.round(0.05 * d);
      expect(extra).toBeGreaterThan(-8 * k);
      expect(bytes.length * 8).toBeLessThan(1.1 * theoreticalBits + fixedBytes * 8);
    } else {
      expect(extra).toBeGreaterThanOrEqual(0);
      expect(extra).toBeLessThan(8);
    }
  });

  it('rejects truncated, extended, re-labelled and re-sized payloads', () => {
    expectProtocolError(() => c.decompress(bytes.subarray(0, bytes.length - 1)), /truncated/);
    expectProtocolError(() => c.decompress(bytes.subarray(0, 5)), /header truncated/);
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expectProtocolError(() => c.decompress(longer), /trailing bytes/);
    const edit = (at: number, value: number) => {
      const copy = bytes.slice();
      copy[at] = value;
      return copy;
    };
    expectProtocolError(() => c.decompress(edit(0, 2)), /version 2 is not supported/);
    expectProtocolError(() => c.decompress(edit(1, 42)), /unknown compressor id 42/);
    expectProtocolError(() => c.decompress(edit(1, spec.kind === 'none' ? 1 : 0)), /expected kind/);
    expectProtocolError(() => c.decompress(edit(2, 0x80)), /flags has unknown bits/);
    expectProtocolError(() => c.decompress(edit(4, bytes[4] ^ 1)), /length is \d+ floats, expected/);
  });

  it('never fails on mutated bytes with anything but a protocol error, and never outputs NaN/Inf', () => {
    const rng = Rng.fromSeed(99);
    const out = new Float32Array(d);
    for (let trial = 0; trial < 300; trial++) {
      const copy = bytes.slice(0, trial % 5 === 0 ? rng.int(bytes.length + 1) : bytes.length);
      const flips = 1 + rng.int(3);
      for (let f = 0; f < flips && copy.length > 0; f++) copy[rng.int(copy.length)] ^= 1 << rng.int(8);
      try {
        decodeCompressed(copy, out, layout);
        expect(out.every(Number.isFinite)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(StarlingError);
        expect((err as StarlingError).code).toBe('protocol');
      }
    }
  });
});

describe('kind-specific payload checks', () => {
  const small = makeLayout([{ name: 'v', shape: [5] }]);
  const v = Float32Array.of(1, -2, 0.5, 3, -0.25);
  const encode = (spec: CompressorSpec) => makeCompressor(spec, small).compress(v, ctx).bytes;
  const decode = (bytes: Uint8Array) => decodeCompressed(bytes, new Float32Array(5), small);
  const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

  it('qsgd: levels above s, negative zero codes, bad norms and level counts, set padding', () => {
    const b = encode({ kind: 'qsgd', levels: 2 }); // 3-bit codes from byte 16
    const level3 = b.slice();
    level3[16] = (level3[16] & ~0b111) | 0b110;
    expectProtocolError(() => decode(level3), /code\[0\] is invalid/);
    const negZero = b.slice();
    negZero[16] = (negZero[16] & ~0b111) | 0b001;
    expectProtocolError(() => decode(negZero), /code\[0\] is invalid/);
    const padding = b.slice();
    padding[padding.length - 1] |= 0x80; // 15 code bits, the 16th is padding
    expectProtocolError(() => decode(padding), /padding/);
    const nan = b.slice();
    view(nan).setFloat32(8, Number.NaN, true);
    expectProtocolError(() => decode(nan), /norm is NaN/);
    const negative = b.slice();
    view(negative).setFloat32(8, -1, true);
    expectProtocolError(() => decode(negative), /norm is -1/);
    const zeroLevels = b.slice();
    view(zeroLevels).setUint32(12, 0, true);
    expectProtocolError(() => decode(zeroLevels), /levels is 0/);
  });

  it('sign: a non-finite scale and set padding bits', () => {
    const b = encode({ kind: 'sign' });
    const inf = b.slice();
    view(inf).setFloat32(8, Number.POSITIVE_INFINITY, true);
    expectProtocolError(() => decode(inf), /scale is Infinity/);
    const pad = b.slice();
    pad[12] |= 0x20;
    expectProtocolError(() => decode(pad), /padding/);
  });

  it('topk: k above d, out-of-range and overlong indices, non-finite values', () => {
    const b = encode({ kind: 'topk', count: 2 }); // header, k, 2 values, 2 gap varints
    const bigK = b.slice();
    view(bigK).setUint32(8, 6, true);
    expectProtocolError(() => decode(bigK), /k is 6, above the length 5/);
    const range = b.slice();
    range[21] = 4; // second gap after index 1: 1 + 1 + 4 = 6 ≥ 5
    expectProtocolError(() => decode(range), /index\[1\] is ≥ the length 5/);
    const overlong = new Uint8Array(b.length + 1);
    overlong.set(b);
    overlong[20] = 0x81;
    overlong[21] = 0x00; // 1 written in two bytes
    overlong[22] = b[21];
    expectProtocolError(() => decode(overlong), /index\[0\] overlong/);
    const nan = b.slice();
    view(nan).setFloat32(12, Number.NaN, true);
    expectProtocolError(() => decode(nan), /value\[0\] is NaN/);
  });

  it('randk: k above d and seeds beyond 2^53 − 1', () => {
    const b = encode({ kind: 'randk', count: 2 });
    const bigK = b.slice();
    view(bigK).setUint32(8, 9, true);
    expectProtocolError(() => decode(bigK), /k is 9/);
    const seed = b.slice();
    view(seed).setUint32(16, 0x200000, true);
    expectProtocolError(() => decode(seed), /seed is \d+, above 2\^53/);
  });

  it('none/fp16/dropout: non-finite values and a body where none was sent', () => {
    const none = encode({ kind: 'none' });
    view(none).setFloat32(8 + 4 * 3, Number.NEGATIVE_INFINITY, true);
    expectProtocolError(() => decode(none), /value\[3\] is -Infinity/);
    const half = encode({ kind: 'fp16' });
    view(half).setUint16(10, 0x7c00, true);
    expectProtocolError(() => decode(half), /value\[1\] is an Inf\/NaN pattern/);
    const dropped = encode({ kind: 'dropout', p: 1 });
    view(dropped).setUint16(2, 0, true);
    expectProtocolError(() => decode(dropped), /trailing bytes/);
  });

  it('powersgd: a tensor count or rank the layout does not match', () => {
    const mat = makeLayout([{ name: 'w', shape: [4, 3] }]);
    const y = new Float32Array(12).fill(1);
    const b = makeCompressor({ kind: 'powersgd', rank: 1 }, mat).compress(y, ctx).bytes;
    const count = b.slice();
    view(count).setUint32(12, 2, true);
    expectProtocolError(
      () => decodeCompressed(count, new Float32Array(12), mat),
      /tensor count is 2, the layout has 1/,
    );
    const rank = b.slice();
    view(rank).setUint32(8, 0, true);
    expectProtocolError(() => decodeCompressed(rank, new Float32Array(12), mat), /rank is 0/);
    const rank2 = b.slice();
    view(rank2).setUint32(8, 2, true);
    expectProtocolError(() => decodeCompressed(rank2, new Float32Array(12), mat), /truncated/);
  });
});
