import { describe, expect, it } from 'vitest';
import { blocksOf } from './blocks.js';

describe('blocksOf', () => {
  it.each([
    [10, 4, [3, 3, 2, 2]],
    [100, 4, [25, 25, 25, 25]],
    [3, 4, [1, 1, 1]],
    [7, 1, [7]],
    [0, 4, []],
  ])('%i nodes in at most %i blocks: sizes %j, order kept, nothing lost', (n, b, sizes) => {
    const nodes = Array.from({ length: n }, (_, i) => 1000 - 7 * i);
    const blocks = blocksOf(nodes, b);
    expect(blocks.map((x) => x.length)).toEqual(sizes);
    expect(blocks.flat()).toEqual(nodes);
  });
});
