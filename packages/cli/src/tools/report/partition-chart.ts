import type { ChartSpec } from './chart-spec.js';
import type { RunData } from './load-run.js';

/** How many clients a partition figure shows at most (the first ones by id). */
export const PARTITION_MAX_CLIENTS = 50;

/** Colours of labels 0..9 (Tableau 10), repeated past 10 labels. */
const LABEL_COLORS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

/** One client of partition.json: its id and examples per label. */
interface PartitionClient {
  readonly id: number;
  readonly byLabel: readonly number[];
}

function clientsOf(partition: unknown): PartitionClient[] | null {
  if (typeof partition !== 'object' || partition === null || !('clients' in partition)) return null;
  const list = partition.clients;
  if (!Array.isArray(list)) return null;
  const clients = list.filter(
    (c): c is PartitionClient =>
      typeof c === 'object' && c !== null && typeof c.id === 'number' && Array.isArray(c.byLabel),
  );
  return clients.length > 0 ? clients.sort((a, b) => a.id - b.id) : null;
}

/**
 * The label histogram per client of a run's partition.json as stacked bars (`partition-<run index>`):
 * one bar per client, one stacked series per label. At most {@link PARTITION_MAX_CLIENTS} clients are
 * drawn (the first by id); the note says how many there are. Null without a usable partition.json.
 */
export function partitionChart(run: RunData, index: number): ChartSpec | null {
  const clients = clientsOf(run.partition);
  if (clients === null) return null;
  const shown = clients.slice(0, PARTITION_MAX_CLIENTS);
  const classes = Math.max(...shown.map((c) => c.byLabel.length));
  const title = `${run.name}: examples per label and client`;
  const series = Array.from({ length: classes }, (_, label) => ({
    name: `label ${label}`,
    type: 'bar',
    stack: 'labels',
    color: LABEL_COLORS[label % LABEL_COLORS.length],
    data: shown.map((c) => c.byLabel[label] ?? 0),
  }));
  const note =
    clients.length > shown.length
      ? `showing the first ${shown.length} of ${clients.length} clients`
      : `${clients.length} client${clients.length === 1 ? '' : 's'}`;
  return {
    id: `partition-${index}`,
    title,
    note,
    wide: true,
    option: {
      animation: false,
      title: { text: title, left: 10, textStyle: { fontSize: 14 } },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { type: 'scroll', top: 28, left: 10, right: 10 },
      grid: { left: 60, right: 30, top: 76, bottom: 70 },
      xAxis: {
        type: 'category',
        data: shown.map((c) => String(c.id)),
        name: 'client',
        nameLocation: 'middle',
        nameGap: 26,
      },
      yAxis: { type: 'value', name: 'examples' },
      dataZoom: [{ type: 'inside' }, { type: 'slider', height: 16, bottom: 6 }],
      series,
    },
  };
}
