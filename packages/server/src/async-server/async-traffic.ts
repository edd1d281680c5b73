import type { RouterEndpoint } from '@starling/transport';
import type { RefusedTraffic } from '../parameter-server/refused-traffic.js';
import type { AsyncSocketTraffic } from './async-server-options.js';

/**
 * The socket bytes of an asynchronous run between two server updates: what the server's socket received
 * from registered hosts (refused traffic apart, see `RefusedTraffic`) and sent, since the last `take`.
 */
export class AsyncTraffic {
  private last = { up: 0, down: 0, refused: 0 };

  constructor(
    private readonly router: RouterEndpoint,
    private readonly refused: RefusedTraffic,
    private readonly registered: (peer: string) => boolean,
  ) {}

  /** Bytes since the previous call (headers and framing included). */
  take(): AsyncSocketTraffic {
    const stats = this.router.stats();
    const split = this.refused.take(stats, this.registered);
    const now = { up: split.run, down: stats.totals.bytesSent, refused: split.refused };
    const t = {
      bytesUp: now.up - this.last.up,
      bytesDown: now.down - this.last.down,
      refusedBytes: now.refused - this.last.refused,
    };
    this.last = now;
    return t;
  }
}
