import type { MetricsLine } from './load-run.js';

/**
 * The x axes a metric is plotted against: `round`, wall seconds (`time_s`), simulated seconds
 * (`virtual_time_s`, runs with a `systems:` section), cumulative bytes (Σ `bytes_up` + `bytes_down`
 * over the rounds so far, both directions) and ε spent (`epsilon`, private runs).
 */
export type XAxisKind = 'round' | 'time_s' | 'virtual_time_s' | 'bytes' | 'epsilon';

/** A point `[x, y]` of a line series. */
export type Point = readonly [number, number];

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * The x value of every line (null where the line does not carry it). Bytes are cumulative: a line's
 * `bytes_up`/`bytes_down` are that round's traffic (a missing field counts 0).
 */
export function xValues(metrics: readonly MetricsLine[], x: XAxisKind): (number | null)[] {
  if (x !== 'bytes') return metrics.map((m) => (finite(m[x]) ? m[x] : null));
  let total = 0;
  return metrics.map((m) => {
    total += (finite(m.bytes_up) ? m.bytes_up : 0) + (finite(m.bytes_down) ? m.bytes_down : 0);
    return total;
  });
}

/**
 * The points `[x, y]` of `field` against `x`, one per line where both are finite numbers (rounds
 * without an evaluation carry `test_accuracy: null` and are skipped; so are non-positive values when
 * `positive`, for a log axis). Points keep file order.
 */
export function points(
  metrics: readonly MetricsLine[],
  x: XAxisKind,
  field: string,
  options: { readonly positive?: boolean } = {},
): Point[] {
  const xs = xValues(metrics, x);
  const out: Point[] = [];
  metrics.forEach((m, i) => {
    const xv = xs[i];
    const y = m[field];
    if (xv === null || !finite(y) || (options.positive && y <= 0)) return;
    out.push([xv, y]);
  });
  return out;
}

/** Whether any line of any run carries a finite `field`. */
export function anyCarries(runs: readonly { readonly metrics: readonly MetricsLine[] }[], field: string): boolean {
  return runs.some((r) => r.metrics.some((m) => finite(m[field])));
}
