import { type ChartOption, type ChartSpec, lineFrame, lineSeries } from './chart-spec.js';
import type { RunData } from './load-run.js';
import { points } from './series.js';

/** Whether a run is a gossip run: its lines carry `consensus_error` (dpsgd, consensus). */
export function isGossip(run: RunData): boolean {
  return run.metrics.some((m) => 'consensus_error' in m);
}

/**
 * The gossip figures, over the runs that are gossip runs (run colours stay those of the whole report):
 * `consensus-round`, the consensus error (1/n) Σ‖xᵢ − x̄‖² per round on a log axis (zeros cannot be
 * drawn on it and are left out), and `spread-round`, the mean node accuracy with the min and max
 * (dashed) per round. Empty when no run is a gossip run.
 */
export function gossipCharts(runs: readonly RunData[]): ChartSpec[] {
  const gossip = runs.map((r, i) => ({ r, i })).filter(({ r }) => isGossip(r));
  if (gossip.length === 0) return [];
  const consensus = gossip.map(({ r, i }) =>
    lineSeries(r.name, i, points(r.metrics, 'round', 'consensus_error', { positive: true })),
  );
  const spread: ChartOption[] = gossip.flatMap(({ r, i }) => [
    lineSeries(`${r.name} mean`, i, points(r.metrics, 'round', 'node_accuracy_mean')),
    lineSeries(`${r.name} min`, i, points(r.metrics, 'round', 'node_accuracy_min'), { dashed: true }),
    lineSeries(`${r.name} max`, i, points(r.metrics, 'round', 'node_accuracy_max'), { dashed: true }),
  ]);
  const ceTitle = 'consensus error vs round';
  const spTitle = 'node accuracy (mean, min, max) vs round';
  return [
    {
      id: 'consensus-round',
      title: ceTitle,
      option: lineFrame(ceTitle, { name: 'round' }, { name: '(1/n) Σ‖xᵢ − x̄‖²', log: true }, consensus),
    },
    {
      id: 'spread-round',
      title: spTitle,
      option: lineFrame(spTitle, { name: 'round' }, { name: 'node test accuracy' }, spread),
    },
  ];
}
