import { errors } from '@starling/core';

/** The port `--dashboard` takes when given no value. */
export const DEFAULT_DASHBOARD_PORT = 7070;

/**
 * The port of `--dashboard [port]`: absent (undefined) → no dashboard (null); the flag alone (`''` or
 * `true`) → {@link DEFAULT_DASHBOARD_PORT}; an integer 0-65535 (0: a free port) → it. Anything else is
 * a `usage` error (exit 2) naming `--dashboard`.
 */
export function dashboardPort(value: unknown): number | null {
  if (value === undefined || value === false) return null;
  if (value === '' || value === true) return DEFAULT_DASHBOARD_PORT;
  const text = String(value).trim();
  const port = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw errors.usage(
      `--dashboard must be a port number from 0 to 65535 (0: any free port), got ${JSON.stringify(value)}`,
    );
  }
  return port;
}
