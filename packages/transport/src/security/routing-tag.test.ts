import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { curveKeyPair } from 'zeromq';
import { IdVerifier } from './id-verifier.js';
import { generateIdentity } from './identity.js';
import { secureRoutingId, TAG_LENGTH, tagFor } from './routing-tag.js';
import { sharedSecret } from './x25519.js';

describe('routing ids bound to keys', () => {
  const server = generateIdentity('server');
  const alice = generateIdentity('alice');
  const bob = generateIdentity('bob');

  it('computes the TAG the contract defines: HMAC-SHA256 over "starling-id/1\\0" + NAME, base64url, 22 chars', () => {
    const shared = Buffer.alloc(32, 7);
    const mac = createHmac('sha256', shared).update(Buffer.from('starling-id/1\u0000alice', 'latin1')).digest();
    expect(tagFor(shared, 'alice')).toBe(mac.toString('base64url').slice(0, 22));
    expect(tagFor(shared, 'alice')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(TAG_LENGTH).toBe(22);
  });

  it('the client (own secret, server public) and the server (own secret, client public) form one TAG', () => {
    const client = secureRoutingId('alice', alice.secretKey, server.publicKey);
    const serverSide = `alice~${tagFor(sharedSecret(server.secretKey, alice.publicKey), 'alice')}`;
    expect(client).toBe(serverSide);
  });

  it('verifies exactly the allowed NAME~TAG ids and nothing another key holder can form', () => {
    const v = new IdVerifier(
      server,
      new Map([
        ['alice', alice.publicKey],
        ['bob', bob.publicKey],
      ]),
    );
    const id = (s: string) => Buffer.from(s, 'latin1');
    expect(v.verify(id(secureRoutingId('alice', alice.secretKey, server.publicKey)))).toBe('alice');
    expect(v.verify(id(secureRoutingId('bob', bob.secretKey, server.publicKey)))).toBe('bob');
    // bob holds a listed key but cannot speak for alice: his TAG for "alice" is computed with his secret
    expect(v.verify(id(secureRoutingId('alice', bob.secretKey, server.publicKey)))).toBeNull();
    // a key pinned to another server gives another TAG
    expect(v.verify(id(secureRoutingId('alice', alice.secretKey, curveKeyPair().publicKey)))).toBeNull();
    for (const bad of ['alice', 'alice~', '~alice', 'carol~AAAAAAAAAAAAAAAAAAAAAA', '', 'alice~x~y'])
      expect(v.verify(id(bad))).toBeNull();
    expect(v.verify(Buffer.from([0, 1, 2, 3, 4]))).toBeNull();
    expect(v.routeOf('alice')?.toString('latin1')).toBe(secureRoutingId('alice', alice.secretKey, server.publicKey));
    expect(v.routeOf('carol')).toBeUndefined();
  });

  it('reports the names a new allow-list drops or re-keys', () => {
    const v = new IdVerifier(
      server,
      new Map([
        ['alice', alice.publicKey],
        ['bob', bob.publicKey],
      ]),
    );
    const newBob = generateIdentity('bob');
    expect(
      v.set(
        new Map([
          ['alice', alice.publicKey],
          ['bob', newBob.publicKey],
        ]),
      ),
    ).toEqual(['bob']);
    expect(v.set(new Map([['bob', newBob.publicKey]]))).toEqual(['alice']);
    expect(v.verify(Buffer.from(secureRoutingId('bob', newBob.secretKey, server.publicKey)))).toBe('bob');
    expect(v.verify(Buffer.from(secureRoutingId('bob', bob.secretKey, server.publicKey)))).toBeNull();
  });
});
