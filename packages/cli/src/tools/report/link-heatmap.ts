import type { ChartOption, ChartSpec } from './chart-spec.js';
import type { RunData } from './load-run.js';

/** A heat map's cells: row and column labels and `[column, row, value]` triples. */
export interface Matrix {
  readonly rows: readonly string[];
  readonly cols: readonly string[];
  readonly cells: readonly (readonly [number, number, number])[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The byte matrix of a run's links.json. Gossip runs (`links: {"i->j": bytes}`): sender rows × receiver
 * columns over the peers 0..n−1, absent links 0. Parameter-server runs (`links: {host: {bytesUp,
 * bytesDown}}`): one row per host, columns `up` (host → server) and `down`. Null when there is nothing
 * to draw (no links.json, or inline federated runs, whose links are `{}`).
 */
export function linkMatrix(links: unknown): Matrix | null {
  const table = isRecord(links) && isRecord(links.links) ? links.links : null;
  if (table === null || Object.keys(table).length === 0) return null;
  const directed = Object.entries(table).flatMap(([key, v]) => {
    const m = /^(\d+)->(\d+)$/.exec(key);
    return m && typeof v === 'number' ? [[Number(m[1]), Number(m[2]), v] as const] : [];
  });
  if (directed.length === Object.keys(table).length) {
    const n = Math.max(...directed.map(([i, j]) => Math.max(i, j))) + 1;
    const ids = Array.from({ length: n }, (_, i) => String(i));
    const bytes = new Map(directed.map(([i, j, b]) => [i * n + j, b]));
    const cells: [number, number, number][] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) cells.push([j, i, bytes.get(i * n + j) ?? 0]);
    return { rows: ids, cols: ids, cells };
  }
  const hosts = Object.keys(table).sort();
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  const cells = hosts.flatMap((h, r) => {
    const e = isRecord(table[h]) ? table[h] : {};
    return [[0, r, num(e.bytesUp)] as const, [1, r, num(e.bytesDown)] as const];
  });
  return { rows: hosts, cols: ['up (to server)', 'down (to host)'], cells };
}

function heatmapOption(title: string, m: Matrix, xName: string, yName: string): ChartOption {
  const values = m.cells.map((c) => c[2]);
  return {
    animation: false,
    title: { text: title, left: 10, textStyle: { fontSize: 14 } },
    tooltip: { position: 'top' },
    grid: { left: 90, right: 90, top: 50, bottom: 60 },
    xAxis: { type: 'category', data: m.cols, name: xName, nameLocation: 'middle', nameGap: 30 },
    yAxis: { type: 'category', data: m.rows, name: yName, inverse: true },
    visualMap: {
      min: Math.min(0, ...values),
      max: Math.max(1, ...values),
      calculable: true,
      orient: 'vertical',
      right: 10,
      top: 'center',
      text: ['bytes', ''],
    },
    series: [{ name: 'bytes', type: 'heatmap', data: m.cells, emphasis: { itemStyle: { borderColor: '#333' } } }],
  };
}

/**
 * One heat map per run with a byte matrix in links.json (`links-<run index>`), and a note naming the
 * runs without one (interrupted runs write no links.json; inline federated runs count no per-host bytes).
 */
export function linkCharts(runs: readonly RunData[]): { charts: ChartSpec[]; missing: string[] } {
  const charts: ChartSpec[] = [];
  const missing: string[] = [];
  runs.forEach((r, i) => {
    const m = linkMatrix(r.links);
    if (m === null) {
      missing.push(r.name);
      return;
    }
    const gossip = m.cols.length === m.rows.length && m.cols[0] === '0';
    const title = `${r.name}: bytes per ${gossip ? 'link' : 'host'}`;
    const option = gossip
      ? heatmapOption(title, m, 'to peer', 'from peer')
      : heatmapOption(title, m, 'direction', 'host');
    const height = Math.min(900, Math.max(320, 120 + 18 * m.rows.length));
    charts.push({ id: `links-${i}`, title, option, height, wide: true });
  });
  return { charts, missing };
}
