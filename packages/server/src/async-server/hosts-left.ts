import type { RouterEndpoint } from '@starling/transport';

/**
 * How long the server waits at the end for its hosts to answer `bye` with theirs. Closing the socket at
 * once lost the `bye` to a `threads` host still busy with tasks (it then waited `--server-wait-s`).
 */
export const BYE_WAIT_MS = 1000;

/** Resolves once no host is connected to `router` any more, or after `ms` milliseconds. */
export async function hostsLeft(router: RouterEndpoint, ms: number): Promise<void> {
  for (let waited = 0; waited < ms && router.peers().length > 0; waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
