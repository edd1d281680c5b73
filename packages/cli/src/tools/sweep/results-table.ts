import type { SweepCell } from './sweep-plan.js';

/** The summary.json fields the table reports, in column order (dotted: nested, e.g. `privacy.noise_multiplier`). */
export const METRICS = [
  'test_accuracy',
  'test_loss',
  'consensus_error',
  'epsilon',
  'privacy.noise_multiplier',
  'bytes_up',
  'bytes_down',
  'payload_bytes_up',
  'payload_bytes_down',
  'wall_s',
] as const;

/** The value at a dotted path of a summary (undefined when absent). */
export function fieldOf(summary: Record<string, unknown>, path: string): unknown {
  let v: unknown = summary;
  for (const key of path.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** Mean and sample standard deviation (n − 1; 0 for one run) of the numbers among `xs`; null when none. */
export function meanStd(xs: readonly unknown[]): { mean: number; std: number; n: number } | null {
  const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  if (v.length === 0) return null;
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const ss = v.reduce((a, b) => a + (b - mean) ** 2, 0);
  return { mean, std: v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0, n: v.length };
}

/** One row of the table: a cell, its runs' summaries (one per seed that completed) and their statistics. */
export interface ResultRow {
  readonly cell: SweepCell;
  readonly seeds: readonly number[];
  readonly stats: Readonly<Record<string, { mean: number; std: number; n: number } | null>>;
}

/** The rows of a sweep: per cell, every metric's mean ± std over its completed seeds. */
export function resultRows(
  cells: readonly SweepCell[],
  summaries: ReadonlyMap<string, readonly { seed: number; summary: Record<string, unknown> }[]>,
): ResultRow[] {
  return cells.map((cell) => {
    const runs = summaries.get(cell.slug) ?? [];
    const stats = Object.fromEntries(METRICS.map((m) => [m, meanStd(runs.map((r) => fieldOf(r.summary, m)))]));
    return { cell, seeds: runs.map((r) => r.seed), stats };
  });
}

const digits = (metric: string) => (metric.includes('bytes') ? 0 : metric === 'wall_s' ? 1 : 4);

function cellValue(cell: SweepCell, key: string): string {
  return cell.sets.find((a) => a.key === key)?.value ?? '(config)';
}

/** The metrics with a value in some row (a sweep without privacy has no ε column). */
function shownMetrics(rows: readonly ResultRow[]): string[] {
  return METRICS.filter((m) => rows.some((r) => r.stats[m] !== null));
}

/** The table in markdown: one column per swept key, `runs`, then `mean ± std` per metric. */
export function markdownTable(keys: readonly string[], rows: readonly ResultRow[]): string {
  const metrics = shownMetrics(rows);
  const head = [...keys, 'runs', ...metrics.map((m) => `${m} (mean ± std)`)];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const cells = metrics.map((m) => {
      const s = r.stats[m];
      return s === null ? '–' : `${s.mean.toFixed(digits(m))} ± ${s.std.toFixed(digits(m))}`;
    });
    const values = keys.map((k) => cellValue(r.cell, k).replaceAll('|', '\\|'));
    lines.push(`| ${[...values, String(r.seeds.length), ...cells].join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

/** The table as CSV: swept keys, `runs`, `seeds`, then `<metric>_mean` and `<metric>_std` (full precision). */
export function csvTable(keys: readonly string[], rows: readonly ResultRow[]): string {
  const metrics = shownMetrics(rows);
  const head = [...keys, 'runs', 'seeds', ...metrics.flatMap((m) => [`${m}_mean`, `${m}_std`])];
  const lines = [head.map(csvField).join(',')];
  for (const r of rows) {
    const stats = metrics.flatMap((m) => {
      const s = r.stats[m];
      return s === null ? ['', ''] : [String(s.mean), String(s.std)];
    });
    const fields = [...keys.map((k) => cellValue(r.cell, k)), String(r.seeds.length), r.seeds.join(' '), ...stats];
    lines.push(fields.map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}
