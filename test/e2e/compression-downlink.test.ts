import { jsKernels, makeLayout, Rng } from '@starling/core';
import { Downlink, type ModelMessage } from '@starling/server';
import type { DecodedTensor } from '@starling/transport';
import { ModelReceiver } from '@starling/worker';
import { describe, expect, it } from 'vitest';

const layout = makeLayout([
  { name: 'w', shape: [30, 20] },
  { name: 'b', shape: [20] },
]);
const model = (seed: number) => {
  const v = new Float32Array(layout.size);
  Rng.fromSeed(seed).fillNormal(v);
  return v;
};
/** What a host's receive loop sees for a message (dtype and length as the codec reports them). */
const asReceived = (msg: ModelMessage): DecodedTensor[] =>
  msg.tensors.map((t) => ({
    name: t.name,
    dtype: t.data instanceof Float32Array ? 'f32' : 'u8',
    length: t.data.length,
    data: t.data,
    ...(t.codec ? { codec: t.codec } : {}),
  }));

describe('the server downlink and a host ModelReceiver hold the same bits', () => {
  it.each([
    [{ kind: 'topk', ratio: 0.05 }, 'delta'],
    [{ kind: 'qsgd', levels: 4 }, 'delta'],
    [{ kind: 'powersgd', rank: 2 }, 'delta'],
    [{ kind: 'fp16' }, 'model'],
    [{ kind: 'powersgd', rank: 2, errorFeedback: true }, 'model'],
  ] as const)('%o of the %s, for hosts that skip rounds', (spec, target) => {
    const down = new Downlink(spec, target, layout, jsKernels, Rng.fromSeed(4).fork('compress-down', 0));
    const hosts = ['every', 'odd', 'late'].map((id) => ({ id, rx: new ModelReceiver(layout, jsKernels) }));
    const takesPart = (id: string, r: number) =>
      id === 'every' || (id === 'odd' && r % 2 === 1) || (id === 'late' && r >= 5);
    const kinds = new Set<string>();
    for (let r = 0; r < 8; r++) {
      const xhat = down.advance(r, model(100 + r));
      for (const h of hosts.filter((h) => takesPart(h.id, r))) {
        const msg = down.messageFor(h.id);
        kinds.add(msg.kind);
        const got = h.rx.receive(r, msg.kind, asReceived(msg));
        expect(Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(Buffer.from(xhat.buffer))).toBe(true);
      }
    }
    expect(kinds.has('full')).toBe(true);
    if (target === 'delta') expect(kinds.has('delta')).toBe(true);
  });

  it('a host whose copy does not match the delta says so (stale model) instead of training on a wrong model', () => {
    const down = new Downlink({ kind: 'topk', ratio: 0.05 }, 'delta', layout, jsKernels, Rng.fromSeed(4));
    const rx = new ModelReceiver(layout, jsKernels);
    down.advance(0, model(1));
    rx.receive(0, 'full', asReceived(down.messageFor('h')));
    down.advance(1, model(2));
    down.messageFor('h'); // lost on the way
    down.advance(2, model(3));
    expect(() => rx.receive(2, 'delta', asReceived(down.messageFor('h')))).toThrow(/stale model/);
    down.forget('h');
    expect(down.messageFor('h').kind).toBe('full');
  });
});
