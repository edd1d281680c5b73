import { jsKernels, makeCompressor, makeLayout, Rng, StarlingError } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { UpdateDecoder } from './update-decoder.js';

const layout = makeLayout([{ name: 'w', shape: [50, 20] }]);
const d = layout.size;
const x = new Float32Array(d);
Rng.fromSeed(1).fillNormal(x);
const rng = Rng.fromSeed(2).fork('compress-up', 0);
const topk = makeCompressor({ kind: 'topk', count: 10 }, layout).compress(x, { rng, round: 0 }).bytes;
const small = makeLayout([{ name: 'w', shape: [500] }]);
const qsgdSmall = makeCompressor({ kind: 'qsgd', levels: 4 }, small).compress(x.subarray(0, 500), {
  rng,
  round: 0,
}).bytes;
const qsgd = makeCompressor({ kind: 'qsgd', levels: 4 }, layout).compress(x, { rng, round: 0 }).bytes;

const protocolError = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(StarlingError);
    expect((e as StarlingError).code).toBe('protocol');
    return (e as Error).message;
  }
  throw new Error('expected a protocol error');
};

describe('UpdateDecoder', () => {
  it('decodes a top-k payload to the k kept values and zeros elsewhere', () => {
    const out = new UpdateDecoder('topk', layout, jsKernels).decode({ data: topk, codec: 'topk' });
    const kept = Array.from(out.keys()).filter((i) => out[i] !== 0);
    expect(kept).toHaveLength(10);
    const threshold = [...x].map(Math.abs).sort((a, b) => b - a)[9];
    for (const i of kept) {
      expect(out[i]).toBe(x[i]);
      expect(Math.abs(x[i])).toBeGreaterThanOrEqual(threshold);
    }
  });

  it('passes a raw float32 update through when the uplink is uncompressed', () => {
    expect(new UpdateDecoder(null, layout, jsKernels).decode({ data: x })).toBe(x);
  });

  it.each([
    ['a raw update on a compressed uplink', 'topk', () => ({ data: x }), /codec none, expected topk/],
    ['a codec other than the configured one', 'topk', () => ({ data: qsgd, codec: 'qsgd' }), /expected topk/],
    ['another kind under the right codec', 'topk', () => ({ data: qsgd, codec: 'topk' }), /but a qsgd payload/],
    ['a truncated payload', 'topk', () => ({ data: topk.slice(0, -1), codec: 'topk' }), /truncated/],
    ['trailing bytes', 'topk', () => ({ data: Uint8Array.from([...topk, 0]), codec: 'topk' }), /trailing bytes/],
    [
      'a top-k index out of range',
      'topk',
      () => {
        const bad = topk.slice();
        bad.set([0xff, 0xff, 0x03], 12 + 4 * 10); // the first index gap becomes 65535 > d
        return { data: bad, codec: 'topk' };
      },
      /index\[0\] is ≥ the length 1000/,
    ],
    ['a payload for another model size', 'qsgd', () => ({ data: qsgdSmall, codec: 'qsgd' }), /length is 500/],
    ['a compressed payload on a raw uplink', null, () => ({ data: qsgd, codec: 'qsgd' }), /uncompressed/],
    ['a short float32 update on a raw uplink', null, () => ({ data: x.subarray(1) }), /1000 float32/],
  ] as const)('rejects %s with a protocol error', (_name, kind, input, message) => {
    const decoder = new UpdateDecoder(kind, layout, jsKernels);
    expect(protocolError(() => decoder.decode(input()))).toMatch(message);
  });

  it('with bandwidth tiers accepts each tier encoding and raw only when a tier or the base sends raw', () => {
    const tiered = new UpdateDecoder('topk', layout, jsKernels, ['qsgd', null]);
    expect(tiered.decode({ data: topk, codec: 'topk' }).length).toBe(d);
    expect(tiered.decode({ data: qsgd, codec: 'qsgd' }).length).toBe(d);
    expect(tiered.decode({ data: x })).toBe(x);
    const noRaw = new UpdateDecoder(null, layout, jsKernels, ['qsgd']);
    expect(noRaw.decode({ data: x })).toBe(x); // the base uplink is raw
    const onlyCompressed = new UpdateDecoder('topk', layout, jsKernels, ['qsgd']);
    expect(protocolError(() => onlyCompressed.decode({ data: x }))).toMatch(/codec none, expected topk or qsgd/);
    expect(protocolError(() => onlyCompressed.decode({ data: topk, codec: 'fp16' }))).toMatch(/expected topk or qsgd/);
    // a payload whose self-described kind differs from its codec
    expect(protocolError(() => onlyCompressed.decode({ data: topk, codec: 'qsgd' }))).toMatch(/codec qsgd but a topk/);
  });
});
