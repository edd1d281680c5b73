import { hostname } from 'node:os';
import { errors } from '@starling/core';
import type { CurveIdentity } from '@starling/transport';

/**
 * A host's id: with a CURVE identity its name (the routing id the server verifies against the key; a
 * different `hostId` is a `config` error naming both), else `hostId`, else `<hostname>-<pid>`.
 */
export function hostIdFor(hostId: string | undefined, security?: { readonly identity: CurveIdentity }): string {
  const name = security?.identity.name;
  if (name !== undefined && hostId !== undefined && hostId !== name) {
    throw errors.option('hostId', `the name of the host's key (${JSON.stringify(name)}) when a key is given`, hostId);
  }
  return name ?? hostId ?? `${hostname().replace(/[^A-Za-z0-9._:-]/g, '-')}-${process.pid}`;
}
