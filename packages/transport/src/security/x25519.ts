import { createPrivateKey, createPublicKey, diffieHellman, type KeyObject } from 'node:crypto';
import { z85Decode, z85Encode } from './z85.js';

// DER prefixes of an X25519 key in PKCS#8 (private) and SPKI (public) form; the raw 32 bytes follow.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

function raw(z85: string, what: string): Buffer {
  const bytes = z85Decode(z85);
  if (bytes === null || bytes.length !== 32) throw new RangeError(`${what} must be a 40-character z85 CURVE key`);
  return bytes;
}

function privateKey(secretZ85: string): KeyObject {
  return createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, raw(secretZ85, 'secret key')]),
    format: 'der',
    type: 'pkcs8',
  });
}

function publicKey(publicZ85: string): KeyObject {
  return createPublicKey({
    key: Buffer.concat([SPKI_PREFIX, raw(publicZ85, 'public key')]),
    format: 'der',
    type: 'spki',
  });
}

/**
 * The X25519 shared secret (RFC 7748) of a Z85 secret key and another party's Z85 public key: 32 bytes, the
 * same on both sides (`shared(a.secret, b.public) == shared(b.secret, a.public)`), the value libsodium's
 * `crypto_scalarmult` gives for the CURVE keys ZeroMQ uses. Throws a RangeError for a malformed key.
 */
export function sharedSecret(secretZ85: string, publicZ85: string): Buffer {
  return diffieHellman({ privateKey: privateKey(secretZ85), publicKey: publicKey(publicZ85) });
}

/** The Z85 public key that belongs to a Z85 secret key (X25519 base-point multiplication). */
export function publicKeyOf(secretZ85: string): string {
  const der = createPublicKey(privateKey(secretZ85)).export({ format: 'der', type: 'spki' });
  return z85Encode(der.subarray(SPKI_PREFIX.length));
}
