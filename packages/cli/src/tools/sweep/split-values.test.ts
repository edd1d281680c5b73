import { describe, expect, it } from 'vitest';
import { parseGridFlag, parseSeedsFlag, splitValues } from './split-values.js';

describe('sweep flag lists', () => {
  it('splits at top-level commas only', () => {
    expect(splitValues('0.1, 0.2,0.3', 'x')).toEqual(['0.1', '0.2', '0.3']);
    expect(splitValues('{kind: topk, ratio: 0.01},{kind: fp16},null', 'x')).toEqual([
      '{kind: topk, ratio: 0.01}',
      '{kind: fp16}',
      'null',
    ]);
    expect(splitValues('[200, 200],[64]', 'x')).toEqual(['[200, 200]', '[64]']);
    expect(splitValues('"a,b",c', 'x')).toEqual(['"a,b"', 'c']);
  });

  it('names the flag in usage errors', () => {
    expect(() => splitValues('{kind: topk', '--grid compression.up')).toThrow(/^--grid compression\.up: unbalanced/);
    expect(() => parseGridFlag('rounds')).toThrow(/--grid expects key=v1,v2/);
    expect(() => parseGridFlag('algorithm.rounds=1,,2')).toThrow(/--grid algorithm\.rounds: empty value/);
    expect(parseGridFlag('optimizer.lr=0.1,0.05')).toEqual({ key: 'optimizer.lr', values: ['0.1', '0.05'] });
  });

  it('reads seeds as distinct non-negative integers', () => {
    expect(parseSeedsFlag('1,2,3')).toEqual([1, 2, 3]);
    expect(() => parseSeedsFlag('1,1')).toThrow(/--seeds must list distinct/);
    expect(() => parseSeedsFlag('1,x')).toThrow(/--seeds must list distinct/);
  });
});
