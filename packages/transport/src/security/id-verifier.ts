import { timingSafeEqual } from 'node:crypto';
import { errors } from '@starling/core';
import { ID_PATTERN } from '../protocol.js';
import type { CurveIdentity } from './identity.js';
import { secureRoutingId, TAG_SEPARATOR } from './routing-tag.js';
import { isCurveKey } from './z85.js';

/** Checks an allow-list handed to an endpoint; throws a `config` StarlingError naming `path`. */
export function checkAllow(allow: ReadonlyMap<string, string>, path: string): void {
  if (!(allow instanceof Map)) throw errors.option(path, 'a Map of name -> z85 public key', allow);
  for (const [name, key] of allow) {
    if (typeof name !== 'string' || !ID_PATTERN.test(name)) throw errors.option(`${path} name`, `${ID_PATTERN}`, name);
    if (!isCurveKey(key)) throw errors.option(`${path}[${name}]`, 'a 40-character z85 public key', key);
  }
}

/**
 * The ROUTER's side of bound identities: for each allowed NAME the one routing id `NAME~TAG` its key holder
 * forms (see `secureRoutingId`), computed here from the router's secret key and NAME's public key. A routing
 * id verifies only if it is exactly one of those (constant-time comparison).
 */
export class IdVerifier {
  private routes = new Map<string, Buffer>();

  constructor(
    private readonly identity: CurveIdentity,
    allow: ReadonlyMap<string, string>,
  ) {
    this.set(allow);
  }

  /** Replaces the allow-list; returns the names that were allowed before and are not any more (or changed key). */
  set(allow: ReadonlyMap<string, string>): string[] {
    const next = new Map<string, Buffer>();
    for (const [name, key] of allow) {
      next.set(name, Buffer.from(secureRoutingId(name, this.identity.secretKey, key), 'latin1'));
    }
    const removed = [...this.routes].filter(([name, id]) => !next.get(name)?.equals(id)).map(([name]) => name);
    this.routes = next;
    return removed;
  }

  /** The NAME a routing id verifies as, or null (unknown NAME, wrong TAG, no separator). */
  verify(routingId: Buffer): string | null {
    const sep = routingId.indexOf(TAG_SEPARATOR, 0, 'latin1');
    if (sep <= 0) return null;
    const name = routingId.toString('latin1', 0, sep);
    const expected = this.routes.get(name);
    if (expected === undefined || expected.length !== routingId.length) return null;
    return timingSafeEqual(expected, routingId) ? name : null;
  }

  /** The full routing id to send to NAME, or undefined when NAME is not allowed. */
  routeOf(name: string): Buffer | undefined {
    return this.routes.get(name);
  }
}
