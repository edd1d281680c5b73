import { decodeCompressed, jsKernels, makeLayout, Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { Downlink } from './downlink.js';

const layout = makeLayout([
  { name: 'w', shape: [20, 10] },
  { name: 'b', shape: [10] },
]);
const d = layout.size;
const vec = (seed: number, std = 1) => {
  const v = new Float32Array(d);
  Rng.fromSeed(seed).fillNormal(v, 0, std);
  return v;
};
const make = (spec: unknown, target: 'delta' | 'model' = 'delta', seed = 7) =>
  new Downlink(spec, target, layout, jsKernels, Rng.fromSeed(seed).fork('compress-down', 0));
const dist = (a: Float32Array, b: Float32Array) => Math.hypot(...a.map((v, i) => v - b[i]));

describe('Downlink', () => {
  it('starts from the exact model, sent raw to a recipient that holds nothing', () => {
    const down = make({ kind: 'topk', ratio: 0.1 });
    const x = vec(1);
    expect(Array.from(down.advance(0, x))).toEqual(Array.from(x));
    const msg = down.messageFor('h');
    expect(msg.kind).toBe('full');
    expect(msg.tensors).toHaveLength(1);
    expect(msg.tensors[0].name).toBe('model');
    expect(msg.tensors[0].codec).toBeUndefined();
    expect(msg.payloadBytes).toBe(4 * d);
  });

  it('moves x̂ by exactly the decoded compressed difference and sends that payload as delta/<base>-<round>', () => {
    const down = make({ kind: 'qsgd', levels: 4 });
    const x0 = vec(1);
    down.advance(0, x0);
    down.messageFor('h');
    const x1 = x0.map((v, i) => v + 0.1 * vec(2)[i]);
    const before = down.model.slice();
    const xhat = down.advance(1, x1);
    const msg = down.messageFor('h');
    expect(msg.kind).toBe('delta');
    expect(msg.tensors.map((t) => [t.name, t.codec])).toEqual([['delta/0-1', 'qsgd']]);
    const decoded = new Float32Array(d);
    decodeCompressed(msg.tensors[0].data as Uint8Array, decoded, layout);
    const expected = before.map((v, i) => v + decoded[i]);
    expect(Array.from(xhat)).toEqual(Array.from(expected));
    expect(msg.payloadBytes).toBe(16 + Math.ceil((d * 4) / 8)); // w = 1 + ceil(log2 5) = 4 bits per entry
  });

  it('top-k of the residual contracts x̂ towards a fixed model and reaches it after 1/ratio rounds', () => {
    const down = make({ kind: 'topk', ratio: 0.25 });
    down.advance(0, vec(1));
    const target = vec(3);
    let last = dist(target, down.model);
    for (let r = 1; r <= 4; r++) {
      down.advance(r, target);
      const now = dist(target, down.model);
      expect(now).toBeLessThanOrEqual(last * Math.sqrt(1 - 0.25) + 1e-6);
      last = now;
    }
    expect(last).toBeLessThan(1e-5);
  });

  it('sends a chain of deltas to a recipient that is behind, and the raw x̂ once the chain costs ≥ 4d bytes', () => {
    const down = make({ kind: 'fp16' }); // 2d + 8 bytes per delta: one is cheaper than raw, two are not
    down.advance(0, vec(1));
    down.messageFor('a');
    down.messageFor('b');
    down.advance(1, vec(2));
    expect(down.messageFor('a').tensors.map((t) => t.name)).toEqual(['delta/0-1']);
    down.advance(2, vec(3));
    expect(down.messageFor('a').kind).toBe('delta');
    const late = down.messageFor('b');
    expect(late.kind).toBe('full');
    expect(Array.from(late.tensors[0].data as Float32Array)).toEqual(Array.from(down.model));
    down.advance(3, vec(4));
    down.forget('a');
    expect(down.messageFor('a').kind).toBe('full');
  });

  it('keeps a chain of several cheap deltas for a recipient a few rounds behind', () => {
    const down = make({ kind: 'topk', ratio: 0.05 });
    down.advance(0, vec(1));
    down.messageFor('b');
    for (let r = 1; r <= 3; r++) down.advance(r, vec(r + 1));
    expect(down.messageFor('b').tensors.map((t) => t.name)).toEqual(['delta/0-1', 'delta/1-2', 'delta/2-3']);
  });

  it('with downOf model sends the compressed model itself, and x̂ is its decoding', () => {
    const down = make({ kind: 'fp16' }, 'model');
    const x = vec(5);
    const xhat = down.advance(0, x);
    const msg = down.messageFor('h');
    expect(msg.kind).toBe('full');
    expect(msg.tensors[0].codec).toBe('fp16');
    const decoded = new Float32Array(d);
    decodeCompressed(msg.tensors[0].data as Uint8Array, decoded, layout);
    expect(Array.from(xhat)).toEqual(Array.from(decoded));
    expect(dist(x, xhat)).toBeLessThan(1e-2 * Math.hypot(...x));
    expect(dist(x, xhat)).toBeGreaterThan(0);
  });

  it('gives the same bytes for the same seed and different bytes for another seed', () => {
    const run = (seed: number) => {
      const down = make({ kind: 'qsgd', levels: 2 }, 'delta', seed);
      down.advance(0, vec(1));
      down.messageFor('h');
      down.advance(1, vec(2));
      return Array.from(down.messageFor('h').tensors[0].data as Uint8Array);
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it('refuses error feedback on deltas (x − x̂ is already the memory) but allows it on the model', () => {
    expect(() => make({ kind: 'topk', ratio: 0.1, errorFeedback: true })).toThrow(
      /compression\.down\.errorFeedback must be false with downOf: delta/,
    );
    expect(make({ kind: 'topk', ratio: 0.1, errorFeedback: true }, 'model').target).toBe('model');
  });

  it('refuses a spec that does not fit the model, naming compression.down', () => {
    expect(() => make({ kind: 'topk', count: d + 1 })).toThrow(
      /compression\.down\.count must be at most the model size/,
    );
  });

  it('a downlink restored from state() continues with the same x̂ and messages', () => {
    const xs = Array.from({ length: 6 }, (_, t) => vec(10 + t));
    const whole = make({ kind: 'topk', ratio: 0.2 });
    const first = make({ kind: 'topk', ratio: 0.2 });
    for (let t = 0; t < 3; t++) {
      whole.advance(t, xs[t]);
      first.advance(t, xs[t]);
      whole.messageFor(t === 1 ? 'a' : 'b');
      first.messageFor(t === 1 ? 'a' : 'b');
    }
    const resumed = make({ kind: 'topk', ratio: 0.2 });
    resumed.load(first.state());
    for (let t = 3; t < 6; t++) {
      expect(Array.from(resumed.advance(t, xs[t]))).toEqual(Array.from(whole.advance(t, xs[t])));
      for (const who of ['a', 'b', 'c']) expect(resumed.messageFor(who)).toEqual(whole.messageFor(who));
    }
  });
});
