import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeHeader, encodeMessage, type TensorInput } from './codec.js';
import { EXAMPLE_HEADERS } from './examples.js';
import type { Header } from './messages.js';
import { MESSAGE_TYPES, type MessageType } from './protocol.js';

const CARRIES_TENSORS = new Set<MessageType>(['task', 'update', 'updates', 'gossip', 'node-state', 'peer-state']);
const raw = new Packr({ useRecords: false });

function full(type: MessageType, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...EXAMPLE_HEADERS[type], v: 1, seq: 5, tensors: [], ...extra };
}

function frames(header: Record<string, unknown>, ...payloads: Buffer[]): Buffer[] {
  return [raw.pack(header), ...payloads];
}

/** A valid task header whose seq is re-encoded as the uint64 2^53 + 1 (a value no double holds). */
function withU64Seq(): Buffer {
  const hex = raw.pack(full('task', { seq: 123456789 })).toString('hex');
  return Buffer.from(hex.replace('ce075bcd15', 'cf0020000000000001'), 'hex');
}

function reason(fs: Buffer[]): string {
  const r = decodeMessage(fs);
  return r.ok ? 'ok' : r.reason;
}

describe('encodeMessage / decodeMessage', () => {
  it.each(MESSAGE_TYPES)('round-trips a %s message with its tensors bit for bit', (type) => {
    const model = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 1e-3 + i);
    const bits = Uint8Array.from({ length: 77 }, (_, i) => (i * 37) % 256);
    const tensors: TensorInput[] = CARRIES_TENSORS.has(type)
      ? [
          { name: 'model', data: model },
          { name: 'delta.q', data: bits, codec: 'qsgd' },
          { name: 'idx', data: Int32Array.of(-1, 7, 2 ** 31 - 1) },
        ]
      : [];
    const out = decodeMessage(encodeMessage({ ...EXAMPLE_HEADERS[type], v: 1, seq: 42 } as Header, tensors));
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.header).toEqual({
      ...EXAMPLE_HEADERS[type],
      v: 1,
      seq: 42,
      tensors: tensors.map((t) => ({
        name: t.name,
        dtype: t.data instanceof Float32Array ? 'f32' : t.data instanceof Int32Array ? 'i32' : 'u8',
        length: t.data.length,
        bytes: t.data.byteLength,
        ...(t.codec ? { codec: t.codec } : {}),
      })),
    });
    expect(out.tensors.map((t) => Array.from(t.data))).toEqual(tensors.map((t) => Array.from(t.data)));
    if (tensors.length) expect(out.tensors[0].data).toBeInstanceOf(Float32Array);
  });

  it('round-trips a hello that carries a gossip endpoint, tcp or ipc', () => {
    for (const endpoint of ['tcp://10.0.0.7:7101', 'ipc:///tmp/starling-gossip-host-3.sock']) {
      const out = decodeMessage(encodeMessage({ ...EXAMPLE_HEADERS.hello, endpoint, v: 1, seq: 0, tensors: [] }));
      expect(out.ok && out.header.type === 'hello' && out.header.endpoint).toBe(endpoint);
    }
  });

  it('copies tensor data at encode, so writing the source afterwards cannot change what is sent', () => {
    const src = new Float32Array([1, 2, 3]);
    const fs = encodeMessage({ ...EXAMPLE_HEADERS.update, v: 1, seq: 0 } as Header, [{ name: 'd', data: src }]);
    src[0] = 99;
    const out = decodeMessage(fs);
    expect(out.ok && Array.from(out.tensors[0].data)).toEqual([1, 2, 3]);
  });

  it('wraps an owned array without copying', () => {
    const src = new Float32Array([1, 2, 3]);
    const fs = encodeMessage({ ...EXAMPLE_HEADERS.update, v: 1, seq: 0 } as Header, [
      { name: 'd', data: src, owned: true },
    ]);
    expect(fs[1].buffer).toBe(src.buffer);
  });

  it('decodes a float frame that sits at an odd byte offset by copying it into an aligned buffer', () => {
    const payload = Buffer.alloc(13);
    const frame = payload.subarray(1);
    new DataView(frame.buffer, frame.byteOffset).setFloat32(4, 2.5, true);
    const desc = { name: 'm', dtype: 'f32', length: 3, bytes: 12 };
    const out = decodeMessage(frames(full('update', { tensors: [desc] }), frame));
    expect(out.ok && Array.from(out.tensors[0].data)).toEqual([0, 2.5, 0]);
  });

  it('refuses to encode an invalid header', () => {
    expect(() => encodeHeader({ ...full('update'), weight: -1 } as unknown as Header)).toThrow(/header.weight/);
    expect(() => encodeHeader({ ...full('heartbeat'), extra: 1 } as unknown as Header)).toThrow(/unknown key/);
    expect(() => encodeHeader({ ...full('task'), type: 'admin' } as unknown as Header)).toThrow(/header.type/);
  });

  it('encodes a NaN payload (the sender does not scan) and the receiver refuses it', () => {
    const fs = encodeMessage({ ...EXAMPLE_HEADERS.update, v: 1, seq: 0 } as Header, [
      { name: 'd', data: Float32Array.of(0, Number.NaN) },
    ]);
    expect(decodeMessage(fs)).toMatchObject({ ok: false, reason: 'non-finite', seq: 0, type: 'update' });
  });
});

describe('decodeMessage rejects', () => {
  const f32 = (n: number) => Buffer.from(new Float32Array(n).buffer);
  const desc = (n: number) => ({ name: 'm', dtype: 'f32', length: n, bytes: 4 * n });

  it.each([
    ['no frames', [], 'frames'],
    ['garbage bytes', [Buffer.from([0xc1, 0xff, 0x00])], 'msgpack'],
    ['trailing bytes after the header', [Buffer.concat([raw.pack(full('heartbeat')), Buffer.from([1])])], 'msgpack'],
    ['a header that is not a map', [raw.pack([1, 2, 3])], 'schema'],
    ['another protocol version', frames(full('heartbeat', { v: 2 })), 'version'],
    ['an unknown type', frames(full('heartbeat', { type: 'shutdown' })), 'unknown-type'],
    ['an unknown key', frames(full('heartbeat', { admin: true })), 'schema'],
    ['a missing field', frames({ ...full('update'), weight: undefined }), 'schema'],
    ['a string where a number belongs', frames(full('update', { weight: '540' })), 'schema'],
    ['a NaN in a header number', frames(full('update', { weight: Number.NaN })), 'schema'],
    ['an infinite metric', frames(full('update', { metrics: { loss: Number.POSITIVE_INFINITY } })), 'schema'],
    ['a fractional round', frames(full('task', { round: 1.5 })), 'schema'],
    ['a negative seq', frames(full('task', { seq: -1 })), 'schema'],
    ['a 64-bit integer beyond 2^53', [withU64Seq()], 'schema'],
    ['a Set (msgpackr extension)', frames(full('update', { metrics: new Set([1]) })), 'schema'],
    ['a Date (timestamp extension)', frames(full('task', { config: { when: new Date(0) } })), 'schema'],
    ['binary data inside the header', frames(full('task', { config: { b: Buffer.from([1]) } })), 'schema'],
    ['repeated node ids', frames(full('task', { nodes: [1, 1] })), 'schema'],
    ['an over-long host id', frames(full('hello', { host: 'h'.repeat(65) })), 'schema'],
    ['a gossip endpoint that is not tcp:// or ipc://', frames(full('hello', { endpoint: 'http://a:1' })), 'schema'],
    ['a gossip endpoint with a space', frames(full('hello', { endpoint: 'tcp://a b:1' })), 'schema'],
    ['tensors on a heartbeat', [raw.pack(full('heartbeat', { tensors: [desc(1)] })), f32(1)], 'schema'],
    [
      'bytes inconsistent with dtype and length',
      [raw.pack(full('update', { tensors: [{ ...desc(2), bytes: 9 }] })), Buffer.alloc(9)],
      'schema',
    ],
    [
      'more frames than descriptors',
      [raw.pack(full('update', { tensors: [desc(2)] })), f32(2), f32(2)],
      'tensor-count',
    ],
    [
      'fewer frames than descriptors',
      [raw.pack(full('update', { tensors: [desc(2), desc(2)] })), f32(2)],
      'tensor-count',
    ],
    ['a frame shorter than declared', [raw.pack(full('update', { tensors: [desc(3)] })), f32(2)], 'tensor-size'],
  ] as const)('%s', (_, fs, expected) => {
    expect(reason(fs as unknown as Buffer[])).toBe(expected);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('a %s in an f32 payload', (bad) => {
    const data = new Float32Array(10_000);
    data[9_876] = bad;
    const out = decodeMessage([raw.pack(full('update', { tensors: [desc(10_000)] })), Buffer.from(data.buffer)]);
    expect(out.ok ? 'ok' : out.detail).toMatch(/non-finite value at index 9876/);
  });

  it('a payload above maxMessageBytes (the header not counted) and a header above maxHeaderBytes', () => {
    const fs = [raw.pack(full('update', { tensors: [desc(100)] })), f32(100)];
    const r0 = decodeMessage(fs, { maxMessageBytes: 399, maxHeaderBytes: 1024 });
    expect(r0.ok ? 'ok' : r0.reason).toBe('too-large');
    expect(decodeMessage(fs, { maxMessageBytes: 400, maxHeaderBytes: 1024 }).ok).toBe(true);
    const r = decodeMessage(fs, { maxMessageBytes: 1000, maxHeaderBytes: 16 });
    expect(r.ok ? 'ok' : r.reason).toBe('header-size');
  });

  it('a header nested a million levels deep (stack overflow inside msgpackr) without throwing', () => {
    const deep = Buffer.alloc(2 ** 20, 0x91);
    deep[deep.length - 1] = 0x01;
    expect(reason([deep])).toBe('msgpack');
  });

  it('a header map with a JSON config nested deeper than 16 levels', () => {
    let config: unknown = 1;
    for (let i = 0; i < 17; i++) config = { c: config };
    expect(reason(frames(full('task', { config })))).toBe('schema');
  });

  it('reports the seq and type of a refused message when they could be read', () => {
    const r = decodeMessage(frames(full('update', { weight: -3, seq: 17 })));
    expect(r).toMatchObject({ ok: false, reason: 'schema', seq: 17, type: 'update' });
    expect(r.ok ? '' : r.detail).toBe('header.weight must be a finite number in [0, 9007199254740991], got -3');
  });
});
