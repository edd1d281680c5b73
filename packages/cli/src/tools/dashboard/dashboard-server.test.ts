import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StarlingError } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DASHBOARD_PORT, dashboardPort } from './dashboard-port.js';
import { localHost, startDashboard } from './dashboard-server.js';

describe('dashboardPort (--dashboard [port])', () => {
  it('reads no flag, the bare flag, and port numbers', () => {
    expect(dashboardPort(undefined)).toBeNull();
    expect(dashboardPort('')).toBe(DEFAULT_DASHBOARD_PORT);
    expect(dashboardPort('0')).toBe(0);
    expect(dashboardPort('65535')).toBe(65535);
    expect(dashboardPort(8080)).toBe(8080);
  });

  it.each(['65536', '-1', 'abc', '7.5', 'experiments/x.yaml'])(
    'refuses %s with a usage error naming --dashboard',
    (v) => {
      const err = (() => {
        try {
          dashboardPort(v);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(StarlingError);
      expect((err as StarlingError).code).toBe('usage');
      expect((err as StarlingError).message).toMatch(/^--dashboard must be a port number from 0 to 65535/);
    },
  );
});

describe('startDashboard', () => {
  it('serves the page, echarts and the event stream on 127.0.0.1, and closes after the end', async () => {
    const d = await startDashboard(0, () => 1.5);
    expect(d.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(d.url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<script src="/echarts.min.js">');
    expect(html).toContain('function applyEvent(');
    const lib = await fetch(new URL('/echarts.min.js', d.url));
    expect(lib.status).toBe(200);
    expect((await lib.arrayBuffer()).byteLength).toBeGreaterThan(500_000);
    expect((await fetch(new URL('/nope', d.url))).status).toBe(404);
    d.telemetry({ kind: 'links', round: 0, bytes: { '0->1': 10 } });
    d.telemetry({ kind: 'links', round: 1, bytes: { '0->1': 5, '1->0': 7 } });
    // Another name (DNS rebinding) is refused; only the loopback names are served.
    const port = Number(new URL(d.url).port);
    const asOther = await new Promise<number | undefined>((resolve, reject) =>
      get({ host: '127.0.0.1', port, path: '/', headers: { host: `evil.example:${port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      }).on('error', reject),
    );
    expect(asOther).toBe(403);
    expect(localHost(`localhost:${port}`, port)).toBe(true);
    expect(localHost(`127.0.0.1:${port + 1}`, port)).toBe(false);
    await d.close({ status: 'completed', reason: null });
    // Closed: nothing listens on the port any more.
    await expect(fetch(d.url)).rejects.toThrow();
  });

  it('refuses a port in use with a usage error naming --dashboard', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as AddressInfo).port;
    try {
      await expect(startDashboard(port, () => 0)).rejects.toMatchObject({
        code: 'usage',
        message: expect.stringMatching(new RegExp(`^--dashboard: port ${port} on 127\\.0\\.0\\.1 is in use`)),
      });
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });
});
