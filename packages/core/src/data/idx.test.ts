import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { StarlingError } from '../errors.js';
import { readIdx } from './idx.js';
import { loadIdx, readIdxImages, readIdxLabels } from './idx-dataset.js';
import { encodeIdx } from './idx-write.js';

const dir = mkdtempSync(join(tmpdir(), 'starling-idx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, bytes: Uint8Array) => {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
};

/** Three 2×3 "images" with pixel bytes 0..17 and labels 2, 0, 9. */
const images = () =>
  encodeIdx({ type: 'ubyte', dims: [3, 2, 3], data: Uint8Array.from({ length: 18 }, (_, i) => i * 15) });
const labels = () => encodeIdx({ type: 'ubyte', dims: [3], data: Uint8Array.from([2, 0, 9]) });

describe('encodeIdx / readIdx', () => {
  it('writes the header LeCun describes: 00 00 type ndims, then big-endian sizes', () => {
    const bytes = encodeIdx({ type: 'ubyte', dims: [2, 1], data: Uint8Array.from([7, 255]) });
    expect(Array.from(bytes)).toEqual([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 1, 7, 255]);
    const ints = encodeIdx({ type: 'int', dims: [1], data: Int32Array.from([-2]) });
    expect(Array.from(ints)).toEqual([0, 0, 0x0c, 1, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe]);
  });

  it.each([
    ['ubyte', Uint8Array.from([0, 1, 254, 255])],
    ['sbyte', Int8Array.from([-128, -1, 0, 127])],
    ['short', Int16Array.from([-32768, -2, 300, 32767])],
    ['int', Int32Array.from([-(2 ** 31), -5, 70000, 2 ** 31 - 1])],
    ['float', Float32Array.from([-1.5, 0, 3.25, 1e-20])],
    ['double', Float64Array.from([-1e300, 0.1, Math.PI, 2])],
  ] as const)('round-trips %s values through a plain and a gzipped file', (type, data) => {
    const bytes = encodeIdx({ type, dims: [2, 2], data });
    for (const file of [write(`${type}.idx`, bytes), write(`${type}.idx.gz`, gzipSync(bytes))]) {
      const back = readIdx(file);
      expect(back.type).toBe(type);
      expect(back.dims).toEqual([2, 2]);
      expect(Array.from(back.data)).toEqual(Array.from(data));
    }
  });
});

describe('readIdxImages and readIdxLabels', () => {
  it('scales ubyte pixels to [0, 1] by / 255 and keeps the per-image shape', () => {
    const { x, n, shape } = readIdxImages(write('img.idx', images()));
    expect([n, ...shape]).toEqual([3, 2, 3]);
    expect(x[0]).toBe(0);
    expect(x[17]).toBeCloseTo(1, 7);
    expect(x[1]).toBeCloseTo(15 / 255, 7);
  });

  it('reads labels as Int32Array', () => {
    expect(Array.from(readIdxLabels(write('lab.idx', labels()), 10))).toEqual([2, 0, 9]);
  });
});

describe('loadIdx', () => {
  it('loads plain and gzipped files into train and test datasets', () => {
    const split = loadIdx({
      trainImages: write('a-img.gz', gzipSync(images())),
      trainLabels: write('a-lab.gz', gzipSync(labels())),
      testImages: write('b-img', images()),
      testLabels: write('b-lab', labels()),
    });
    expect([split.train.n, split.train.d, split.train.classes, split.test.n]).toEqual([3, 6, 10, 3]);
    expect(split.train.shape).toEqual([2, 3]);
    expect(Array.from(split.test.y)).toEqual([2, 0, 9]);
    expect(Array.from(split.train.x)).toEqual(Array.from(split.test.x));
  });

  it('resolves relative paths against baseDir', () => {
    write('c-img', images());
    write('c-lab', labels());
    const files = { trainImages: 'c-img', trainLabels: 'c-lab', testImages: 'c-img', testLabels: 'c-lab' };
    expect(loadIdx(files, { baseDir: dir }).train.n).toBe(3);
  });

  it('rejects a label count that differs from the image count', () => {
    const two = write('two-lab', encodeIdx({ type: 'ubyte', dims: [2], data: Uint8Array.from([1, 2]) }));
    const img = write('three-img', images());
    expect(() => loadIdx({ trainImages: img, trainLabels: two, testImages: img, testLabels: two })).toThrow(
      /has 2 labels but .* has 3 images/,
    );
  });
});

describe('corrupt IDX files', () => {
  const good = images();
  const reject = (name: string, bytes: Uint8Array, message: RegExp, read = readIdx as (f: string) => unknown) => {
    const file = write(name, bytes);
    let caught: unknown;
    try {
      read(file);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(StarlingError);
    expect((caught as StarlingError).code).toBe('data');
    expect((caught as Error).message).toContain(file);
    expect((caught as Error).message).toMatch(message);
  };

  it('rejects bad magic (a PNG) and names it in hex', () => {
    reject('png', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), /not an IDX file: bad magic 0x89504e47/);
  });

  it('rejects an unknown type byte', () => {
    reject('type', Uint8Array.from([0, 0, 0x0a, 1, 0, 0, 0, 0]), /unknown type byte 0x0a in magic 0x00000a01/);
  });

  it('rejects a truncated file, naming expected and found lengths', () => {
    reject(
      'trunc',
      good.subarray(0, good.length - 5),
      /truncated: dimensions \[3, 2, 3\] of ubyte need 34 bytes, found 29/,
    );
    reject('trunc-header', good.subarray(0, 9), /truncated IDX header/);
    reject('tiny', Uint8Array.from([0, 0]), /only 2 bytes/);
  });

  it('rejects a truncated gzip stream', () => {
    const gz = gzipSync(good);
    reject('cut.gz', gz.subarray(0, gz.length - 8), /not a valid gzip file/);
  });

  it('rejects trailing bytes and wrong dimensions', () => {
    reject('trail', Uint8Array.from([...good, 1, 2]), /trailing bytes/);
    const wrong = Uint8Array.from(good);
    wrong[7] = 4; // n = 4 images of 2×3 need 24 pixel bytes, only 18 present
    reject('dims', wrong, /dimensions \[4, 2, 3\]/);
    reject('zero-dims', Uint8Array.from([0, 0, 8, 0]), /declares 0 dimensions/);
  });

  it('rejects images that are not ubyte or have one dimension, and labels that are not 1-D', () => {
    const floats = encodeIdx({ type: 'float', dims: [1, 2], data: Float32Array.from([0, 1]) });
    reject('float-img', floats, /images must have type ubyte/, readIdxImages);
    reject('flat-img', labels(), /at least 2 dimensions/, readIdxImages);
    reject('2d-lab', encodeIdx({ type: 'ubyte', dims: [1, 1], data: Uint8Array.from([1]) }), /1 dimension/, (f) =>
      readIdxLabels(f, 10),
    );
  });

  it('rejects a label out of range with its value and index', () => {
    const bad = encodeIdx({ type: 'ubyte', dims: [3], data: Uint8Array.from([1, 12, 0]) });
    reject('range', bad, /label 12 at index 1 is out of range \[0, 10\)/, (f) => readIdxLabels(f, 10));
  });

  it('says a missing file does not exist', () => {
    const missing = join(dir, 'nope', 'train-images-idx3-ubyte.gz');
    expect(() => readIdx(missing)).toThrow(`${missing}: does not exist`);
  });
});
