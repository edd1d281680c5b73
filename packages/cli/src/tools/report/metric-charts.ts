import { type ChartSpec, lineFrame, lineSeries } from './chart-spec.js';
import type { RunData } from './load-run.js';
import { anyCarries, points, type XAxisKind } from './series.js';

/** The x axes of the metric figures, their labels and the field that must be present for one to be drawn. */
const X_AXES: readonly { kind: XAxisKind; label: string; needs: string; slug: string }[] = [
  { kind: 'round', label: 'round', needs: 'round', slug: 'round' },
  { kind: 'time_s', label: 'wall time (s)', needs: 'time_s', slug: 'time' },
  { kind: 'virtual_time_s', label: 'simulated time (s)', needs: 'virtual_time_s', slug: 'virtual-time' },
  { kind: 'bytes', label: 'cumulative bytes (up + down)', needs: 'round', slug: 'bytes' },
  { kind: 'epsilon', label: 'ε spent', needs: 'epsilon', slug: 'epsilon' },
];

const METRICS = [
  { field: 'test_accuracy', label: 'test accuracy', slug: 'accuracy' },
  { field: 'test_loss', label: 'test loss', slug: 'loss' },
] as const;

/**
 * Test accuracy and test loss against round, wall time, simulated time (when a run carries
 * `virtual_time_s`), cumulative bytes and ε (when a run has a non-null `epsilon`): one line per run,
 * every run in every figure (an empty series where a run lacks the axis) so colours and legends match.
 * Ids are `<metric>-<axis>`: `accuracy-round`, `loss-bytes`, `accuracy-epsilon`, ...
 */
export function metricCharts(runs: readonly RunData[]): ChartSpec[] {
  const charts: ChartSpec[] = [];
  for (const x of X_AXES) {
    if (!anyCarries(runs, x.needs)) continue;
    for (const m of METRICS) {
      const series = runs.map((r, i) => lineSeries(r.name, i, points(r.metrics, x.kind, m.field)));
      const title = `${m.label} vs ${x.label}`;
      const lacking = runs.filter((r) => !r.metrics.some((line) => typeof line[x.needs] === 'number'));
      const note =
        lacking.length > 0 && x.kind !== 'round'
          ? `not in ${lacking.map((r) => r.name).join(', ')} (its metrics lines carry no ${x.needs})`
          : undefined;
      charts.push({
        id: `${m.slug}-${x.slug}`,
        title,
        option: lineFrame(title, { name: x.label }, { name: m.label }, series),
        note,
      });
    }
  }
  return charts;
}
