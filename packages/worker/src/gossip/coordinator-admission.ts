import type { RouterSecurity } from '@starling/transport';

/** Each joined host's public key (z85): a verified routing id is an allow-listed name (the transport checks). */
export function hostKeys(security: RouterSecurity, hosts: readonly string[]): Record<string, string> {
  return Object.fromEntries(hosts.map((h) => [h, security.allow.get(h) ?? '']));
}

/**
 * Whether a `hello` from `host` may register with a gossip run: its gossip `endpoint`, or why it is
 * refused: a worker host (its hello has no endpoint), or an id the runtime did not launch (`admit`).
 */
export function admitPeer(
  host: string,
  endpoint: string | undefined,
  admit?: ReadonlySet<string>,
): { readonly endpoint: string } | { readonly refused: string } {
  if (endpoint === undefined) return { refused: 'a gossip run needs starling peer hosts' };
  if (admit && !admit.has(host))
    return { refused: `host ${host} is not one of the ${admit.size} hosts this run launched` };
  return { endpoint };
}
