import type { EndpointStats } from '@starling/transport';

/** Bytes in each direction on one host's link over a whole run. */
export interface LinkBytes {
  readonly bytesUp: number;
  readonly bytesDown: number;
}

/** Per host, the bytes it sent (up) and was sent (down) over the run: the per-link byte matrix of a star. */
export function runLinks(stats: EndpointStats): Record<string, LinkBytes> {
  return Object.fromEntries(
    Object.entries(stats.peers).map(([peer, c]) => [peer, { bytesUp: c.bytesReceived, bytesDown: c.bytesSent }]),
  );
}
