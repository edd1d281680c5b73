import { setConsole } from '@starling/runner';
import pino from 'pino';

/** The `--log-level` values. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Sets up the console of a run-like command: `--log-format json` writes console lines as pino JSON on
 * stderr at `--log-level` and above; text shows info and above, and debug lines too at `--log-level
 * debug` or `trace`.
 */
export function setupConsole(level: LogLevel, format: 'text' | 'json'): void {
  if (format === 'json') {
    setConsole({ json: pino({ level, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true })) });
  } else setConsole({ level: level === 'debug' || level === 'trace' ? 'debug' : 'info' });
}
