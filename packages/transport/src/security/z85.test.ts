import { describe, expect, it } from 'vitest';
import { curveKeyPair } from 'zeromq';
import { isCurveKey, z85Decode, z85Encode } from './z85.js';

describe('z85', () => {
  it('encodes the RFC 32 test vector as HelloWorld and back', () => {
    const bytes = Buffer.from([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]);
    expect(z85Encode(bytes)).toBe('HelloWorld');
    expect(z85Decode('HelloWorld')).toEqual(bytes);
  });

  it('round-trips keys made by libzmq (an independent encoder)', () => {
    for (let i = 0; i < 20; i++) {
      const { publicKey, secretKey } = curveKeyPair();
      for (const key of [publicKey, secretKey]) {
        const raw = z85Decode(key);
        expect(raw?.length).toBe(32);
        expect(z85Encode(raw!)).toBe(key);
        expect(isCurveKey(key)).toBe(true);
      }
    }
  });

  it('encodes all-zero and all-ones words at the alphabet edges', () => {
    expect(z85Encode(Buffer.alloc(4))).toBe('00000');
    expect(z85Encode(Buffer.alloc(4, 0xff))).toBe('%nSc0');
    expect(z85Decode('%nSc0')).toEqual(Buffer.alloc(4, 0xff));
  });

  it('refuses bad lengths, characters outside the alphabet and groups above 2^32 - 1', () => {
    expect(() => z85Encode(Buffer.alloc(3))).toThrow(RangeError);
    expect(z85Decode('Hello')).not.toBeNull();
    expect(z85Decode('Hell')).toBeNull();
    expect(z85Decode('Hell~')).toBeNull();
    expect(z85Decode('Hell"')).toBeNull();
    expect(z85Decode('Hellé')).toBeNull();
    expect(z85Decode('%nSc1')).toBeNull(); // 2^32
    expect(z85Decode('#####')).toBeNull();
    expect(isCurveKey('HelloWorld')).toBe(false);
    expect(isCurveKey(42)).toBe(false);
  });
});
