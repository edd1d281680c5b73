import {
  decodeMessage,
  EXAMPLE_HEADERS,
  encodeMessage,
  type Header,
  type HeaderOf,
  type IncomingMessage,
  PROTOCOL_VERSION,
  SHARED_CODEC,
  SharedLane,
  type TensorInput,
} from '@starling/transport';
import { describe, expect, it } from 'vitest';
import { splitUpdates } from './update-batch.js';

/** An `updates` message of `entries` as the router would deliver it: encoded and decoded for real. */
function received(entries: HeaderOf<'updates'>['entries'], tensors: TensorInput[], bytes = 600) {
  const header = { ...EXAMPLE_HEADERS.updates, v: PROTOCOL_VERSION, seq: 5, entries } as Header;
  const out = decodeMessage(encodeMessage(header, tensors));
  if (!out.ok) throw new Error(out.reason);
  const m: IncomingMessage = { peer: 'host-a', header: out.header, tensors: out.tensors, bytes };
  return { m, h: out.header as HeaderOf<'updates'> };
}

const entry = (node: number, weight: number, loss: number) => ({
  node,
  weight,
  metrics: { train_loss: loss, steps: 1 },
});

describe('splitUpdates', () => {
  it('turns each entry into the update it stands for, its Δ the k-th shm reference', () => {
    const lane = new SharedLane();
    const arena = new SharedArrayBuffer(4 * 12);
    new Float32Array(arena).set(Array.from({ length: 12 }, (_, i) => i + 0.5));
    const id = lane.register(arena);
    const refs = [lane.reference(id, 8, 4), lane.reference(id, 0, 4), lane.reference(id, 4, 4)];
    const joined = new Uint8Array(36);
    for (const [k, r] of refs.entries()) joined.set(r, 12 * k);
    const entries = [entry(3, 8, 0.25), entry(9, 7, 0.5), entry(40, 8, 1.5)];
    const { m, h } = received(entries, [{ name: 'delta', data: joined, codec: SHARED_CODEC }], 601);

    const split = splitUpdates(m, h);

    if (typeof split === 'string') throw new Error(split);
    expect(split.map((u) => u.header)).toMatchObject(
      entries.map((e) => ({
        type: 'update',
        run: h.run,
        round: h.round,
        node: e.node,
        weight: e.weight,
        metrics: e.metrics,
      })),
    );
    // the Δ each resolves to, against the arena written above (entry k → floats at refs[k])
    const floats = split.map((u) => Array.from(lane.resolve(u.tensors[0].data)));
    expect(floats).toEqual([
      [8.5, 9.5, 10.5, 11.5],
      [0.5, 1.5, 2.5, 3.5],
      [4.5, 5.5, 6.5, 7.5],
    ]);
    expect(split.every((u) => u.peer === 'host-a' && u.tensors[0].codec === SHARED_CODEC)).toBe(true);
    expect(split.reduce((b, u) => b + u.bytes, 0)).toBe(601);
  });

  it('refuses a batch whose delta tensor is missing, extra, of another codec or of the wrong size', () => {
    const two = [entry(1, 8, 0.1), entry(2, 8, 0.2)];
    const refs = new Uint8Array(24);
    const cases: [TensorInput[], RegExp][] = [
      [[], /one u8 tensor/],
      [[{ name: 'delta', data: refs, codec: 'qsgd' }], /one u8 tensor/],
      [[{ name: 'delta', data: new Float32Array(6), codec: SHARED_CODEC }], /one u8 tensor/],
      [[{ name: 'delta', data: new Uint8Array(12), codec: SHARED_CODEC }], /12 bytes per entry \(24\), got 12/],
      [
        [
          { name: 'delta', data: refs, codec: SHARED_CODEC },
          { name: 'extra', data: refs, codec: SHARED_CODEC },
        ],
        /one u8 tensor/,
      ],
    ];
    for (const [tensors, why] of cases) {
      const { m, h } = received(two, tensors);
      expect(splitUpdates(m, h)).toMatch(why);
    }
  });

  it('the schema refuses an updates header that repeats a node or has no entry', () => {
    const refs = [{ name: 'delta', data: new Uint8Array(24), codec: SHARED_CODEC }];
    expect(() => received([entry(1, 8, 0.1), entry(1, 8, 0.1)], refs)).toThrow(/must not repeat nodes/);
    expect(() => received([], [])).toThrow(/entries/);
  });
});
