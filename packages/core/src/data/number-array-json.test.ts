import { describe, expect, it } from 'vitest';
import { parseNumberArrayJson } from './number-array-json.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('parseNumberArrayJson', () => {
  it('reads the same float32 values as JSON.parse', () => {
    const text = '{ "data": [0,0.2,0.624,1, 0.003 ,\n0.999,12.5,0.1] }';
    const expected = (JSON.parse(text).data as number[]).map(Math.fround);
    expect(Array.from(parseNumberArrayJson(bytes(text), 'f'))).toEqual(expected);
  });

  it('reads an empty array', () => {
    expect(parseNumberArrayJson(bytes('{"data":[]}'), 'f').length).toBe(0);
  });

  it.each([
    ['a negative number', '[0,-1]', /byte 3, found "-"/],
    ['an exponent', '[1e3]', /byte 2, found "e"/],
    ['a missing comma', '[1 2]', /byte 3/],
    ['a doubled comma', '[1,,2]', /byte 4/],
    ['a trailing comma', '[1,2,]', /trailing comma/],
    ['a dot without digits', '[1.]', /byte 3/],
    ['no closing bracket', '[1,2', /unterminated/],
    ['no array', '{"data": 3}', /no "\["/],
  ])('rejects %s', (_what, text, message) => {
    expect(() => parseNumberArrayJson(bytes(text), 'digits.json')).toThrow(message);
  });
});
