import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CheckpointBody, decodeCheckpoint, encodeCheckpoint } from './checkpoint-codec.js';
import { CheckpointStore, checkpointName } from './checkpoint-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'ckpt-'));
  dirs.push(d);
  return d;
}

function body(round: number): CheckpointBody {
  const model = new Float32Array(1001);
  for (let i = 0; i < model.length; i++) model[i] = Math.fround(Math.sin(i + round) * 1e-3);
  model[7] = Number.NaN;
  model[8] = -0;
  return {
    run: 'demo',
    configSha256: 'ab'.repeat(32),
    round,
    driver: 'federated',
    state: {
      model,
      moments: { m: new Float64Array([0.1, 1 / 3, Number.MIN_VALUE]), v: null },
      counter: 2n ** 64n - 1n,
      history: [
        [0.5, 3],
        [Number.POSITIVE_INFINITY, -0.25],
      ],
      ids: new Int32Array([3, -1, 5]),
      words: new Uint32Array([0xffffffff, 0]),
      bytes: new Uint8Array([1, 2, 3]),
      label: 'x',
      flag: true,
    },
  };
}

const concat = (b: CheckpointBody) => Buffer.concat(encodeCheckpoint(b));

describe('checkpoint codec', () => {
  it('round-trips typed arrays bit for bit, bigints, non-finite numbers and JSON', () => {
    const b = body(4);
    const back = decodeCheckpoint(concat(b), 'x.ckpt');
    expect(back.round).toBe(4);
    const s = back.state as Record<string, unknown>;
    const m = s.model as Float32Array;
    expect(m).toBeInstanceOf(Float32Array);
    expect(Buffer.from(m.buffer).equals(Buffer.from((b.state as { model: Float32Array }).model.buffer))).toBe(true);
    expect(Object.is(m[8], -0)).toBe(true);
    expect(s.moments).toEqual({ m: new Float64Array([0.1, 1 / 3, Number.MIN_VALUE]), v: null });
    expect(s.counter).toBe(2n ** 64n - 1n);
    expect(s.history).toEqual([
      [0.5, 3],
      [Number.POSITIVE_INFINITY, -0.25],
    ]);
    expect(s.ids).toEqual(new Int32Array([3, -1, 5]));
    expect(s.words).toEqual(new Uint32Array([0xffffffff, 0]));
    expect(s.bytes).toEqual(new Uint8Array([1, 2, 3]));
    expect([s.label, s.flag]).toEqual(['x', true]);
  });

  it('refuses truncated, flipped and foreign bytes', () => {
    const bytes = concat(body(1));
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 1), 'a.ckpt')).toThrow(/a.ckpt.*checksum/);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 5] ^= 1;
    expect(() => decodeCheckpoint(flipped, 'b.ckpt')).toThrow(/checksum/);
    expect(() => decodeCheckpoint(Buffer.from('{"round":1}'), 'c.ckpt')).toThrow(/STRLCKPT/);
    const future = Buffer.from(bytes);
    future.writeUInt32LE(99, 8);
    expect(() => decodeCheckpoint(future, 'd.ckpt')).toThrow(/format 99/);
  });
});

describe('CheckpointStore', () => {
  it('keeps the newest two and loads the newest', () => {
    const store = new CheckpointStore(join(tmp(), 'checkpoints'));
    expect(store.latest()).toBeNull();
    for (const r of [9, 19, 29]) store.write(body(r));
    expect(store.rounds()).toEqual([29, 19]);
    const got = store.latest()!;
    expect(got.body.round).toBe(29);
    expect(got.skipped).toEqual([]);
  });

  it('falls back to the previous checkpoint when the newest is truncated or renamed', () => {
    const dir = join(tmp(), 'checkpoints');
    const store = new CheckpointStore(dir, 3);
    for (const r of [1, 2, 3]) store.write(body(r));
    const newest = join(dir, checkpointName(3));
    truncateSync(newest, readFileSync(newest).length - 100);
    // A valid file under the wrong name is not trusted either.
    writeFileSync(join(dir, checkpointName(2)), Buffer.concat(encodeCheckpoint(body(7))));
    const got = store.latest()!;
    expect(got.body.round).toBe(1);
    expect(got.skipped.map((s) => s.path)).toEqual([newest, join(dir, checkpointName(2))]);
    expect(got.skipped[0].reason).toMatch(/checksum/);
  });

  it('leaves earlier checkpoints intact when a write fails (no space)', () => {
    const dir = join(tmp(), 'checkpoints');
    const store = new CheckpointStore(dir);
    store.write(body(1));
    // The temporary file lands on /dev/full, whose writes fail with ENOSPC as a full disk's do.
    symlinkSync('/dev/full', join(dir, `.${checkpointName(2)}.tmp`));
    expect(() => store.write(body(2))).toThrow(/ENOSPC/);
    expect(readdirSync(dir)).toEqual([checkpointName(1)]);
    expect(store.latest()!.body.round).toBe(1);
  });
});
