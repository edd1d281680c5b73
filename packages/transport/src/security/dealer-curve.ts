import { errors } from '@starling/core';
import type { DealerSecurity } from './identity.js';
import { identityProblem } from './identity.js';
import { secureRoutingId } from './routing-tag.js';
import { isCurveKey } from './z85.js';

/** What a DEALER socket is created with when it has `security`. */
export interface DealerCurveOptions {
  readonly routingId: string;
  readonly curveServerKey?: string;
  readonly curvePublicKey?: string;
  readonly curveSecretKey?: string;
}

/**
 * The routing id and CURVE client options of a DEALER: plain `routingId` without `security`; with it,
 * `routingId` must be the identity's name and the socket's id becomes `NAME~TAG` (see `secureRoutingId`).
 * Throws a `config` StarlingError naming the option.
 */
export function dealerCurveOptions(routingId: string, security: DealerSecurity | undefined): DealerCurveOptions {
  if (security === undefined) return { routingId };
  const problem = identityProblem(security.identity);
  if (problem !== null) throw errors.option('transport.security.identity', 'a valid CURVE identity', problem);
  if (!isCurveKey(security.serverKey))
    throw errors.option('transport.security.serverKey', 'a 40-character z85 public key', security.serverKey);
  const { name, publicKey, secretKey } = security.identity;
  if (routingId !== name)
    throw errors.option('transport.routingId', `the key's name ${JSON.stringify(name)}`, routingId);
  return {
    routingId: secureRoutingId(name, secretKey, security.serverKey),
    curveServerKey: security.serverKey,
    curvePublicKey: publicKey,
    curveSecretKey: secretKey,
  };
}
