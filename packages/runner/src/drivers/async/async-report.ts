/** What an asynchronous run's execution leaves for the summary (inline or over sockets). */
export interface AsyncReport {
  /** Server model updates applied. */
  readonly rounds: number;
  readonly last: { loss: number | null; accuracy: number | null };
  /**
   * Bytes over the run: `up`/`down` at the server's socket over sockets (the payload bytes inline),
   * `payloadUp`/`payloadDown` the tensor payloads, `refused` the refused bytes (0 inline).
   */
  readonly totals: { up: number; down: number; payloadUp: number; payloadDown: number; refused: number };
  /** Virtual seconds at the last server update (inline), or null over sockets (no virtual clock). */
  readonly virtualTimeS: number | null;
  /** The content of `links.json`. */
  readonly links: unknown;
}

/** Rounds virtual seconds to microseconds for the metrics lines. */
export const us = (s: number) => Math.round(s * 1e6) / 1e6;

/** A metrics line's `staleness`: `{ mean, max }` over the updates one server update applied, or null. */
export function stalenessField(s: readonly number[]): { mean: number; max: number } | null {
  return s.length === 0 ? null : { mean: s.reduce((a, b) => a + b, 0) / s.length, max: Math.max(...s) };
}
