import { errors } from '@starling/core';
import { curveKeyPair } from 'zeromq';
import { ID_PATTERN } from '../protocol.js';
import { publicKeyOf } from './x25519.js';
import { isCurveKey } from './z85.js';

/**
 * Default `chunkBytes` of a secured endpoint (1 MiB, the smallest allowed). libzmq sends a ZMTP PING only
 * between frames, and over CURVE each frame is encrypted and decrypted whole: with 8 MiB frames to two peers
 * on a loaded 2-core machine the PONG came later than the 600 ms ZMTP timeout and the link dropped (lost
 * messages, bench/suites/transport-curve.mjs); with 1 MiB frames it did not. Plaintext keeps 8 MiB.
 */
export const CURVE_CHUNK_BYTES = 2 ** 20;

/** A CURVE key pair with the name it is issued to (z85 strings). */
export interface CurveIdentity {
  /** The host id of whoever holds the key (`ID_PATTERN`). */
  readonly name: string;
  /** 40-character Z85 X25519 public key. */
  readonly publicKey: string;
  /** 40-character Z85 X25519 secret key; `publicKey` is derived from it. */
  readonly secretKey: string;
}

/** The security of a ROUTER: its own key pair and the clients it admits. */
export interface RouterSecurity {
  readonly identity: CurveIdentity;
  /** Allowed clients: name -> z85 public key. */
  readonly allow: ReadonlyMap<string, string>;
}

/** The security of a DEALER: its own key pair (its name is its routing id) and the server's public key. */
export interface DealerSecurity {
  readonly identity: CurveIdentity;
  /** The ROUTER's z85 public key (CURVE authenticates the server with it). */
  readonly serverKey: string;
}

/**
 * A fresh CURVE key pair for `name`, from libsodium's system randomness (keys must be unpredictable: this is
 * the one place where seeded randomness would be wrong). Throws a `config` StarlingError for a bad name.
 */
export function generateIdentity(name: string): CurveIdentity {
  if (typeof name !== 'string' || !ID_PATTERN.test(name))
    throw errors.option('keys.name', `a name matching ${ID_PATTERN}`, name);
  const pair = curveKeyPair(); // starling-allow-entropy: key generation needs real entropy
  return { name, publicKey: pair.publicKey, secretKey: pair.secretKey };
}

/**
 * Checks an identity handed to an endpoint: a valid name, two Z85 keys, the public key derived from the
 * secret one. Returns a problem description or null.
 */
export function identityProblem(id: CurveIdentity): string | null {
  if (typeof id !== 'object' || id === null) return 'not an identity';
  if (typeof id.name !== 'string' || !ID_PATTERN.test(id.name)) return `name must match ${ID_PATTERN}`;
  if (!isCurveKey(id.publicKey)) return 'publicKey is not a 40-character z85 key';
  if (!isCurveKey(id.secretKey)) return 'secretKey is not a 40-character z85 key';
  if (publicKeyOf(id.secretKey) !== id.publicKey) return 'publicKey does not belong to secretKey';
  return null;
}

/** `options` with `chunkBytes` defaulting to {@link CURVE_CHUNK_BYTES} when `security` is set (unchanged otherwise). */
export function withCurveChunks<O extends { readonly security?: unknown; readonly chunkBytes?: number }>(
  options: O,
): O {
  if (options.security === undefined || options.chunkBytes !== undefined) return options;
  return { ...options, chunkBytes: CURVE_CHUNK_BYTES };
}
