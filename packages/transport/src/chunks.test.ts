import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { JoinScratch, joinFrames, splitFrame } from './chunks.js';
import { decodeMessage, encodeMessage, encodeTensors } from './codec.js';
import { EXAMPLE_HEADERS } from './examples.js';
import type { Header } from './messages.js';
import { DEFAULT_CHUNK_BYTES, MAX_PAYLOAD_FRAMES } from './protocol.js';

const raw = new Packr({ useRecords: false });
const update = { ...EXAMPLE_HEADERS.update, v: 1, seq: 3 } as Header;

/** Float32 values whose bytes differ at every offset, so a chunk joined at the wrong place shows. */
function ramp(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => i * 1.000_1 - n / 3);
}

describe('splitFrame / joinFrames', () => {
  it('splits into views of chunkBytes (the last shorter) that share memory, and joins them back', () => {
    const frame = Buffer.from(Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) % 251));
    const parts = splitFrame(frame, 300);
    expect(parts.map((p) => p.byteLength)).toEqual([300, 300, 300, 100]);
    expect(parts.every((p) => p.buffer === frame.buffer)).toBe(true);
    const joined = joinFrames(parts, 0, 4, 1000);
    expect(joined && Buffer.compare(joined, frame)).toBe(0);
    expect(joined?.buffer).not.toBe(frame.buffer);
    expect(splitFrame(frame, 1000)).toEqual([frame]);
  });

  it('refuses chunks that do not add up or an empty chunk, and passes one frame through uncopied', () => {
    const a = Buffer.alloc(8, 1);
    expect(joinFrames([a, a], 0, 2, 15)).toBeNull();
    expect(joinFrames([a, Buffer.alloc(0), a], 0, 3, 16)).toBeNull();
    expect(joinFrames([a], 0, 1, 8)).toBe(a);
    expect(joinFrames([a], 0, 1, 7)).toBeNull();
  });

  it('JoinScratch hands out the same memory again for the same position, a fresh one when larger', () => {
    const s = new JoinScratch();
    const first = s.take(0, 64);
    expect(s.take(0, 32).buffer).toBe(first.buffer);
    expect(s.take(1, 32).buffer).not.toBe(first.buffer);
    const grown = s.take(0, 128);
    expect(grown.byteLength).toBe(128);
    expect(grown.buffer).not.toBe(first.buffer);
  });
});

describe('chunked tensors in encodeMessage / decodeMessage', () => {
  it('a tensor above chunkBytes travels as chunks and arrives bit for bit, next to unchunked ones', () => {
    const big = ramp(1000); // 4000 bytes: chunks of 1024, 1024, 1024, 928
    const small = Int32Array.of(1, -2, 3);
    const frames = encodeMessage(
      update,
      [
        { name: 'a', data: small },
        { name: 'delta', data: big },
        { name: 'q', data: Uint8Array.of(9, 8), codec: 'qsgd' },
      ],
      1024,
    );
    expect(frames.map((f) => f.byteLength).slice(1)).toEqual([12, 1024, 1024, 1024, 928, 2]);
    const out = decodeMessage(frames);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.header.tensors.map((d) => d.chunks)).toEqual([undefined, 4, undefined]);
    expect(out.tensors[1].data).toBeInstanceOf(Float32Array);
    expect(
      Buffer.compare(
        Buffer.from(out.tensors[1].data.buffer, out.tensors[1].data.byteOffset, 4000),
        Buffer.from(big.buffer),
      ),
    ).toBe(0);
    expect(Array.from(out.tensors[0].data)).toEqual([1, -2, 3]);
    expect(Array.from(out.tensors[2].data)).toEqual([9, 8]);
    expect(out.bytes).toBe(frames.reduce((n, f) => n + f.byteLength, 0));
  });

  it('chunks split anywhere (not at element boundaries) still decode, and NaN in a later chunk is found', () => {
    const data = ramp(300);
    data[290] = Number.NaN;
    const bytes = Buffer.from(data.buffer);
    const desc = { name: 'delta', dtype: 'f32', length: 300, bytes: 1200, chunks: 3 };
    const fs = [
      raw.pack({ ...update, tensors: [desc] }),
      bytes.subarray(0, 7),
      bytes.subarray(7, 801),
      bytes.subarray(801),
    ];
    const r = decodeMessage(fs);
    expect(r.ok ? 'ok' : r.detail).toMatch(/non-finite value at index 290/);
  });

  it('joins into reused buffers when given a JoinScratch', () => {
    const scratch = new JoinScratch();
    const limits = { maxMessageBytes: 2 ** 20, maxHeaderBytes: 2 ** 20, joinScratch: scratch };
    const one = decodeMessage(encodeMessage(update, [{ name: 'd', data: ramp(600) }], 1024), limits);
    const two = decodeMessage(encodeMessage(update, [{ name: 'd', data: ramp(500) }], 1024), limits);
    if (!one.ok || !two.ok) throw new Error('decode failed');
    expect(two.tensors[0].data.buffer).toBe(one.tensors[0].data.buffer);
    expect(Array.from(two.tensors[0].data)).toEqual(Array.from(ramp(500)));
  });

  it('the reference sender chunks at DEFAULT_CHUNK_BYTES and refuses more than MAX_PAYLOAD_FRAMES frames', () => {
    const enc = encodeTensors([{ name: 'm', data: new Uint8Array(DEFAULT_CHUNK_BYTES + 1) }]);
    expect(enc.frames.map((f) => f.byteLength)).toEqual([DEFAULT_CHUNK_BYTES, 1]);
    expect(enc.descriptors[0].chunks).toBe(2);
    expect(encodeTensors([{ name: 'm', data: new Uint8Array(DEFAULT_CHUNK_BYTES) }]).frames).toHaveLength(1);
    expect(() => encodeTensors([{ name: 'm', data: new Uint8Array(MAX_PAYLOAD_FRAMES + 1) }], 1)).toThrow(
      /at most 4096 payload frames/,
    );
  });

  const desc = (chunks?: number) => ({
    name: 'delta',
    dtype: 'u8',
    length: 8,
    bytes: 8,
    ...(chunks ? { chunks } : {}),
  });
  const head = (...ds: object[]) => raw.pack({ ...update, tensors: ds });
  const four = Buffer.alloc(4, 1);
  it.each([
    ['chunks that add up to less than bytes', [head(desc(2)), four, Buffer.alloc(3)], 'tensor-size'],
    ['chunks that add up to more than bytes', [head(desc(2)), four, Buffer.alloc(5)], 'tensor-size'],
    ['an empty chunk', [head(desc(3)), four, Buffer.alloc(0), four], 'tensor-size'],
    ['fewer frames than chunks', [head(desc(3)), four, four], 'tensor-count'],
    ['more frames than chunks', [head(desc(2)), four, four, four], 'tensor-count'],
    ['nothing wrong: no chunks key, one frame (control)', [head(desc()), Buffer.alloc(8)], 'ok'],
    ['chunks: 1 written out', [head(desc(1)), Buffer.alloc(8)], 'schema'],
    ['chunks above the frame limit', [head(desc(MAX_PAYLOAD_FRAMES + 1)), Buffer.alloc(8)], 'schema'],
    ['more frames than the protocol allows', [head(), ...Array(MAX_PAYLOAD_FRAMES + 1).fill(four)], 'frames'],
  ] as const)('refuses %s', (_, fs, expected) => {
    const r = decodeMessage(fs as unknown as Buffer[]);
    expect(r.ok ? 'ok' : r.reason).toBe(expected);
  });
});
