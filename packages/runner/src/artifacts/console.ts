import type { Logger } from 'pino';

/** The levels of a console line. */
export type ConsoleLevel = 'debug' | 'info' | 'warn' | 'error';

let json: Logger | null = null;
let shown: ConsoleLevel | 'silent' = 'info';
const ORDER: readonly (ConsoleLevel | 'silent')[] = ['debug', 'info', 'warn', 'error', 'silent'];

/**
 * Chooses how console lines (what a person watching `starling run` or `starling server` reads on stderr:
 * the listening address, warnings, progress, the final line) are written: as text, or as records of a
 * pino `logger` (`--log-format json`), which also sets which levels show. `level` filters text lines
 * (`--log-level`; text shows `info` and above by default). The CLI calls this once at start.
 */
export function setConsole(options: { readonly json?: Logger | null; readonly level?: ConsoleLevel | 'silent' }): void {
  json = options.json ?? null;
  shown = options.level ?? 'info';
}

/** Whether a console line at `level` is shown. */
export function consoleShows(level: ConsoleLevel): boolean {
  if (json) return json.isLevelEnabled(level);
  return ORDER.indexOf(level) >= ORDER.indexOf(shown);
}

/**
 * Writes one console line: `text` on stderr (prefixed `warning: ` or `debug: ` at those levels), or a
 * pino record `{...fields, msg}` when the console is JSON (`msg` defaults to `text`).
 */
export function consoleLine(level: ConsoleLevel, fields: object, text: string, msg = text): void {
  if (json) {
    json[level](fields, msg);
    return;
  }
  if (!consoleShows(level)) return;
  const prefix = level === 'warn' ? 'warning: ' : level === 'debug' ? 'debug: ' : level === 'error' ? 'error: ' : '';
  process.stderr.write(`${prefix}${text}\n`);
}
