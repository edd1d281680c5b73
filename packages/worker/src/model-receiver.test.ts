import { jsKernels, makeCompressor, makeLayout, Rng, type StarlingError } from '@starling/core';
import type { DecodedTensor } from '@starling/transport';
import { describe, expect, it } from 'vitest';
import { ModelReceiver } from './model-receiver.js';

const layout = makeLayout([
  { name: 'w', shape: [8, 4] },
  { name: 'b', shape: [4] },
]);
const d = layout.size;
const vec = (seed: number) => {
  const v = new Float32Array(d);
  Rng.fromSeed(seed).fillNormal(v);
  return v;
};
const raw = (name: string, data: Float32Array): DecodedTensor => ({ name, dtype: 'f32', length: data.length, data });
const packed = (name: string, data: Uint8Array, codec: string): DecodedTensor => ({
  name,
  dtype: 'u8',
  length: data.length,
  data,
  codec,
});
const fp16 = (x: Float32Array) =>
  makeCompressor({ kind: 'fp16' }, layout).compress(x, { rng: Rng.fromSeed(1), round: 0 });
const decodeFp16 = (x: Float32Array) => makeCompressor({ kind: 'fp16' }, layout).decompress(fp16(x).bytes);
const protocolError = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect((e as StarlingError).code).toBe('protocol');
    return (e as Error).message;
  }
  throw new Error('expected a protocol error');
};

describe('ModelReceiver', () => {
  it('holds a raw full model, then adds deltas in float32 in order', () => {
    const rx = new ModelReceiver(layout, jsKernels);
    const x0 = vec(1);
    expect(Array.from(rx.receive(0, 'full', [raw('model', x0)]))).toEqual(Array.from(x0));
    const [d1, d2] = [vec(2), vec(3)];
    const got = rx.receive(2, 'delta', [
      packed('delta/0-1', fp16(d1).bytes, 'fp16'),
      packed('delta/1-2', fp16(d2).bytes, 'fp16'),
    ]);
    const [q1, q2] = [decodeFp16(d1), decodeFp16(d2)];
    const expected = new Float32Array(d);
    for (let i = 0; i < d; i++) expected[i] = Math.fround(Math.fround(x0[i] + q1[i]) + q2[i]);
    expect(Array.from(got)).toEqual(Array.from(expected));
  });

  it('decodes a compressed full model', () => {
    const rx = new ModelReceiver(layout, jsKernels);
    const x = vec(4);
    expect(Array.from(rx.receive(3, 'full', [packed('model', fp16(x).bytes, 'fp16')]))).toEqual(
      Array.from(decodeFp16(x)),
    );
  });

  it.each([
    [
      'a delta with no model held',
      (rx: ModelReceiver) => rx.receive(1, 'delta', [packed('delta/0-1', fp16(vec(2)).bytes, 'fp16')]),
      /stale model/,
    ],
    [
      'a delta from another base',
      (rx: ModelReceiver) => {
        rx.receive(0, 'full', [raw('model', vec(1))]);
        return rx.receive(2, 'delta', [packed('delta/1-2', fp16(vec(2)).bytes, 'fp16')]);
      },
      /stale model: delta 1-2/,
    ],
    [
      'deltas that stop short of the task round',
      (rx: ModelReceiver) => {
        rx.receive(0, 'full', [raw('model', vec(1))]);
        return rx.receive(2, 'delta', [packed('delta/0-1', fp16(vec(2)).bytes, 'fp16')]);
      },
      /reach round 1, task is 2/,
    ],
    [
      'a badly named delta',
      (rx: ModelReceiver) => {
        rx.receive(0, 'full', [raw('model', vec(1))]);
        return rx.receive(1, 'delta', [packed('delta', fp16(vec(2)).bytes, 'fp16')]);
      },
      /not delta\/<base>-<round>/,
    ],
    [
      'a codec that does not match the payload',
      (rx: ModelReceiver) => rx.receive(0, 'full', [packed('model', fp16(vec(2)).bytes, 'bf16')]),
      /declares codec bf16/,
    ],
    [
      'a raw model of the wrong size',
      (rx: ModelReceiver) => rx.receive(0, 'full', [raw('model', vec(1).subarray(1))]),
      /must be 36 float32/,
    ],
    [
      'a truncated compressed model',
      (rx: ModelReceiver) => rx.receive(0, 'full', [packed('model', fp16(vec(1)).bytes.slice(0, -2), 'fp16')]),
      /fp16 payload/,
    ],
  ] as const)('refuses %s with a protocol error', (_name, act, message) => {
    expect(protocolError(() => act(new ModelReceiver(layout, jsKernels)))).toMatch(message);
  });
});
