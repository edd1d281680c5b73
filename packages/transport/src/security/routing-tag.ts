import { createHmac } from 'node:crypto';
import { sharedSecret } from './x25519.js';

/** Separates the NAME from the TAG in a secured routing id (`NAME~TAG`); not in `ID_PATTERN`. */
export const TAG_SEPARATOR = '~';

/** Length of a TAG: 22 base64url characters, 132 bits of HMAC-SHA256. */
export const TAG_LENGTH = 22;

const CONTEXT = Buffer.from('starling-id/1\0', 'latin1');

/**
 * The TAG that binds routing id NAME to a key pair: `base64url(HMAC-SHA256(shared, "starling-id/1\0" + NAME))`
 * cut to 22 characters, where `shared` is the X25519 secret of the client's key pair and the server's
 * (either side can compute it, nobody else can). See docs/security.md.
 */
export function tagFor(shared: Uint8Array, name: string): string {
  const mac = createHmac('sha256', shared).update(CONTEXT).update(name, 'latin1').digest();
  return mac.toString('base64url').slice(0, TAG_LENGTH);
}

/** A DEALER's routing id with security on: `NAME~TAG` from its own secret key and the server's public key. */
export function secureRoutingId(name: string, ownSecretZ85: string, serverPublicZ85: string): string {
  return `${name}${TAG_SEPARATOR}${tagFor(sharedSecret(ownSecretZ85, serverPublicZ85), name)}`;
}
