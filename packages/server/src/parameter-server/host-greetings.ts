import type { JsonValue, RouterEndpoint, SendResult } from '@starling/transport';

/** The options a server's `welcome` is built from (both servers' options have them). */
export interface WelcomeOptions {
  /** The run configuration a host is sent with the `nodes` it carries. */
  readonly hostConfig: (host: string, nodes: readonly number[]) => JsonValue;
  /** Application heartbeat interval the hosts should use (ms; default 250). */
  readonly heartbeatMs?: number;
  /** Silence after which the server counts a host lost (ms; default 2000), told to hosts as theirs. */
  readonly peerTimeoutMs?: number;
}

/**
 * Sends `welcome` to `host` (docs/protocol.md): the `nodes` it carries from now on, their configuration,
 * the heartbeat interval and timeout to use; `round` is the server's position (the open round, or the
 * async model version).
 */
export function sendWelcome(
  router: RouterEndpoint,
  host: string,
  nodes: number[],
  round: number,
  o: WelcomeOptions,
): Promise<SendResult> {
  return router.send(host, {
    type: 'welcome',
    round,
    node: -1,
    host,
    nodes,
    config: o.hostConfig(host, nodes),
    digest: '',
    heartbeatMs: o.heartbeatMs ?? 250,
    timeoutMs: o.peerTimeoutMs ?? 2000,
  });
}

/** Tells a refused `host` `bye` with `reason` (cut to the protocol's 256 characters), waiting at most 1 s. */
export function sendRefusal(router: RouterEndpoint, host: string, reason: string): Promise<SendResult> {
  return router.send(host, { type: 'bye', round: 0, node: -1, reason: reason.slice(0, 256) }, [], { timeoutMs: 1000 });
}
