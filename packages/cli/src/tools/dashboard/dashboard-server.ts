import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { errors } from '@starling/core';
import type { TelemetryEvent } from '@starling/runner';
import { dashboardPage } from './page-html.js';
import { SseBroadcaster } from './sse-broadcaster.js';
import { TelemetryFeed } from './telemetry-feed.js';

/** The address the dashboard binds: loopback only (it has no authentication). */
export const DASHBOARD_HOST = '127.0.0.1';

/** A running dashboard: its URL, where the run's telemetry goes, and how it stops. */
export interface Dashboard {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  /** Hands one telemetry event to the page (see `TelemetryFeed`). */
  readonly telemetry: (event: TelemetryEvent) => void;
  /**
   * Ends the page's stream: sends `end` with `status` unless the run already sent one, ends every
   * client and closes the server (resolves once it is closed).
   */
  close(status?: { status: 'completed' | 'failed' | 'interrupted'; reason: string | null }): Promise<void>;
}

/** The echarts bundle served at `/echarts.min.js` (a dependency of this package: no CDN). */
function echartsBundle(): Buffer {
  const require = createRequire(import.meta.url);
  return readFileSync(require.resolve('echarts/dist/echarts.min.js'));
}

/** True when a request's `Host` header names this machine's loopback on `port` (not some other name). */
export function localHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}` || host === `[::1]:${port}`;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'EADDRINUSE'
          ? `port ${port} on ${DASHBOARD_HOST} is in use (pick another, or --dashboard 0 for a free one)`
          : `cannot listen on ${DASHBOARD_HOST}:${port}: ${err.message}`;
      reject(errors.usage(`--dashboard: ${why}`));
    };
    server.once('error', onError);
    server.listen(port, DASHBOARD_HOST, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Starts the live dashboard of a run on `127.0.0.1:port` (0: a free port): `/` the page, `/events` the
 * telemetry as server-sent events (replayed from the start to every client), `/echarts.min.js` the chart
 * library. Refuses a port in use with a `usage` error naming `--dashboard`. The server never keeps
 * the process alive (unref'd); `close` ends it. `clock` gives seconds since the dashboard started (the
 * CLI's wall clock), stamped on each event as `t`.
 */
export async function startDashboard(port: number, clock: () => number): Promise<Dashboard> {
  const sse = new SseBroadcaster();
  const page = dashboardPage();
  const echarts = echartsBundle();
  let bound = port;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (!localHost(req.headers.host, bound)) {
      // DNS rebinding: a web page whose name now points at 127.0.0.1 must not read the run.
      res
        .writeHead(403, { 'content-type': 'text/plain' })
        .end('forbidden: open the dashboard as 127.0.0.1 or localhost\n');
    } else if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
    } else if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page);
    } else if (path === '/events') {
      sse.attach(req, res);
    } else if (path === '/echarts.min.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(echarts);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  bound = await listen(server, port);
  server.unref();
  const feed = new TelemetryFeed(sse, clock);
  return {
    url: `http://${DASHBOARD_HOST}:${bound}/`,
    telemetry: (e) => feed.take(e),
    async close(status) {
      feed.finish(status ?? { status: 'failed', reason: 'the run stopped without a status' });
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Streams were ended above; whatever is still open after a second is cut.
        setTimeout(() => {
          server.closeAllConnections();
          resolve();
        }, 1000).unref();
      });
    },
  };
}
