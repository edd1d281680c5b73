import { describe, expect, it } from 'vitest';
import { StarlingError } from '../errors.js';
import { batchInto, makeDataset, subset } from './dataset.js';

const tiny = () =>
  makeDataset({
    name: 'tiny',
    x: Float32Array.from([0, 1, 10, 11, 20, 21, 30, 31]),
    y: Int32Array.from([0, 1, 2, 1]),
    d: 2,
    classes: 3,
  });

describe('makeDataset', () => {
  it('derives n from the labels and keeps the fields', () => {
    const ds = tiny();
    expect([ds.n, ds.d, ds.classes, ds.name]).toEqual([4, 2, 3, 'tiny']);
  });

  it('rejects a feature array whose length is not n·d', () => {
    expect(() => makeDataset({ name: 't', x: new Float32Array(7), y: new Int32Array(4), d: 2, classes: 3 })).toThrow(
      /x.length.*expected 8, got 7/,
    );
  });

  it('rejects labels outside [0, classes) and float labels for classification', () => {
    expect(() =>
      makeDataset({ name: 't', x: new Float32Array(2), y: Int32Array.from([0, 3]), d: 1, classes: 3 }),
    ).toThrow(/label 1: expected in \[0, 3\), got 3/);
    expect(() => makeDataset({ name: 't', x: new Float32Array(2), y: new Float32Array(2), d: 1, classes: 3 })).toThrow(
      StarlingError,
    );
  });

  it('requires Float32Array targets for regression (classes 0)', () => {
    expect(() => makeDataset({ name: 't', x: new Float32Array(2), y: new Int32Array(2), d: 1, classes: 0 })).toThrow(
      /regression targets/,
    );
  });

  it('checks that the per-example shape multiplies to d', () => {
    expect(() =>
      makeDataset({ name: 't', x: new Float32Array(6), y: new Int32Array(1), d: 6, classes: 1, shape: [2, 2] }),
    ).toThrow(/product of shape/);
  });
});

describe('subset', () => {
  it('copies the chosen rows in the given order', () => {
    const s = subset(tiny(), [3, 0]);
    expect(Array.from(s.x)).toEqual([30, 31, 0, 1]);
    expect(Array.from(s.y)).toEqual([1, 0]);
    expect(s.n).toBe(2);
    expect(s.y).toBeInstanceOf(Int32Array);
  });
});

describe('batchInto', () => {
  it('gathers a window of the index list into caller-owned buffers', () => {
    const xOut = new Float32Array(6).fill(-1);
    const yOut = new Int32Array(3).fill(-1);
    batchInto(tiny(), Int32Array.from([2, 1, 3, 0]), 1, 2, xOut, yOut);
    expect(Array.from(xOut)).toEqual([10, 11, 30, 31, -1, -1]);
    expect(Array.from(yOut)).toEqual([1, 1, -1]);
  });

  it('refuses buffers that are too small, a range past the list and bad indices', () => {
    const ds = tiny();
    expect(() => batchInto(ds, [0, 1], 0, 2, new Float32Array(3), new Int32Array(2))).toThrow(/xOut.length/);
    expect(() => batchInto(ds, [0, 1], 0, 2, new Float32Array(4), new Int32Array(1))).toThrow(/yOut.length/);
    expect(() => batchInto(ds, [0, 1], 1, 2, new Float32Array(4), new Int32Array(2))).toThrow(/batch range/);
    expect(() => batchInto(ds, [0, 9], 0, 2, new Float32Array(4), new Int32Array(2))).toThrow(/index at 1/);
    expect(() => batchInto(ds, [0, 1], 0, 2, new Float32Array(4), new Float32Array(2))).toThrow(/yOut type/);
  });
});
