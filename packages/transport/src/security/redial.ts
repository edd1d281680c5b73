import type { Dealer } from 'zeromq';
import type { EndpointLog } from '../endpoint-options.js';

/**
 * libzmq (4.3.5) never reconnects a CURVE client whose key the server's ZAP handler denied: the socket stays
 * silent for good. A key may be allowed later (a gossip inbox learns its allow-list from the coordinator's
 * welcome, which can reach it after a neighbour already dialled), so a secured DEALER dials again after each
 * denial, waiting `minMs`, doubling up to `maxMs`, and warns once. Returns a function that stops it.
 */
export function redialOnAuthFailure(
  socket: Dealer,
  address: string,
  delays: { readonly minMs: number; readonly maxMs: number },
  log: EndpointLog,
): () => void {
  let wait = delays.minMs;
  let timer: NodeJS.Timeout | undefined;
  let warned = false;
  let stopped = false;
  socket.events.on('handshake', () => {
    wait = delays.minMs;
  });
  socket.events.on('handshake:error:auth', () => {
    if (stopped || timer !== undefined) return;
    if (!warned) {
      warned = true;
      log.warn({ address }, 'the server refused this key (not in its allow-list); dialling again until it is admitted');
    }
    timer = setTimeout(() => {
      timer = undefined;
      if (stopped || socket.closed) return;
      try {
        socket.disconnect(address);
      } catch {
        // already disconnected: connect again below
      }
      socket.connect(address);
    }, wait);
    wait = Math.min(2 * wait, delays.maxMs);
  });
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
