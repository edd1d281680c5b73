import { describe, expect, it } from 'vitest';
import { curveKeyPair } from 'zeromq';
import { publicKeyOf, sharedSecret } from './x25519.js';
import { z85Encode } from './z85.js';

const z85 = (hex: string) => z85Encode(Buffer.from(hex, 'hex'));

describe('X25519 over z85 keys', () => {
  it('reproduces the RFC 7748 section 6.1 Diffie-Hellman test vector', () => {
    const alice = {
      secret: z85('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'),
      public: z85('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a'),
    };
    const bob = {
      secret: z85('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb'),
      public: z85('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f'),
    };
    const expected = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
    expect(publicKeyOf(alice.secret)).toBe(alice.public);
    expect(publicKeyOf(bob.secret)).toBe(bob.public);
    expect(sharedSecret(alice.secret, bob.public).toString('hex')).toBe(expected);
    expect(sharedSecret(bob.secret, alice.public).toString('hex')).toBe(expected);
  });

  it('derives the public key libsodium paired with each secret key, and agrees both ways', () => {
    for (let i = 0; i < 10; i++) {
      const a = curveKeyPair();
      const b = curveKeyPair();
      expect(publicKeyOf(a.secretKey)).toBe(a.publicKey);
      expect(sharedSecret(a.secretKey, b.publicKey)).toEqual(sharedSecret(b.secretKey, a.publicKey));
      expect(sharedSecret(a.secretKey, b.publicKey)).not.toEqual(sharedSecret(a.secretKey, a.publicKey));
    }
  });

  it('throws a RangeError for a malformed key', () => {
    const a = curveKeyPair();
    expect(() => sharedSecret('short', a.publicKey)).toThrow(/secret key must be a 40-character z85/);
    expect(() => sharedSecret(a.secretKey, `${a.publicKey.slice(0, 39)}~`)).toThrow(/public key/);
  });
});
