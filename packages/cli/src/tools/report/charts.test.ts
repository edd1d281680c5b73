import { describe, expect, it } from 'vitest';
import { linkMatrix } from './link-heatmap.js';
import type { MetricsLine, RunData } from './load-run.js';
import { metricCharts } from './metric-charts.js';
import { PARTITION_MAX_CLIENTS, partitionChart } from './partition-chart.js';
import { findChromium } from './png.js';

const runOf = (name: string, metrics: MetricsLine[], partition: RunData['partition'] = null): RunData => ({
  name,
  dir: `/runs/${name}`,
  meta: null,
  summary: null,
  config: null,
  partition,
  links: null,
  metrics,
  tornLine: null,
});

describe('metricCharts', () => {
  const a = runOf('a', [
    {
      round: 0,
      time_s: 1,
      virtual_time_s: 10,
      test_accuracy: 0.5,
      test_loss: 2,
      bytes_up: 5,
      bytes_down: 7,
      epsilon: null,
    },
    {
      round: 1,
      time_s: 2,
      virtual_time_s: 25,
      test_accuracy: null,
      test_loss: null,
      bytes_up: 5,
      bytes_down: 7,
      epsilon: null,
    },
    {
      round: 2,
      time_s: 3,
      virtual_time_s: 31,
      test_accuracy: 0.75,
      test_loss: 1,
      bytes_up: 1,
      bytes_down: 0,
      epsilon: null,
    },
  ]);
  const b = runOf('b', [
    { round: 0, time_s: 4, test_accuracy: 0.25, test_loss: 3, bytes_up: 1, bytes_down: 1, epsilon: 0.5 },
  ]);

  it('draws simulated time when a run carries virtual_time_s, and names the runs that do not', () => {
    const charts = metricCharts([a, b]);
    expect(charts.map((c) => c.id)).toEqual([
      'accuracy-round',
      'loss-round',
      'accuracy-time',
      'loss-time',
      'accuracy-virtual-time',
      'loss-virtual-time',
      'accuracy-bytes',
      'loss-bytes',
      'accuracy-epsilon',
      'loss-epsilon',
    ]);
    const vt = charts[4];
    expect(vt.note).toBe('not in b (its metrics lines carry no virtual_time_s)');
    const series = vt.option.series as { name: string; data: number[][] }[];
    expect(series.map((s) => s.data)).toEqual([
      [
        [10, 0.5],
        [31, 0.75],
      ],
      [],
    ]);
    const bytes = charts[7].option.series as { data: number[][] }[];
    expect(bytes[0].data).toEqual([
      [12, 2],
      [25, 1],
    ]);
  });

  it('leaves out the simulated-time and ε figures when no run carries them', () => {
    const ids = metricCharts([runOf('c', [{ round: 0, time_s: 1, test_accuracy: 0.1, epsilon: null }])]).map(
      (c) => c.id,
    );
    expect(ids).toEqual(['accuracy-round', 'loss-round', 'accuracy-time', 'loss-time', 'accuracy-bytes', 'loss-bytes']);
  });
});

describe('linkMatrix', () => {
  it('gossip links "i->j" become a sender × receiver matrix with zeros where there is no link', () => {
    const m = linkMatrix({ links: { '0->1': 10, '1->0': 11, '2->0': 7 }, hosts: {} });
    expect(m?.rows).toEqual(['0', '1', '2']);
    expect(m?.cells).toHaveLength(9);
    expect(m?.cells.filter((c) => c[2] > 0)).toEqual([
      [1, 0, 10],
      [0, 1, 11],
      [0, 2, 7],
    ]);
  });

  it('parameter-server hosts become host rows with up and down columns; empty links draw nothing', () => {
    const m = linkMatrix({ links: { 'h-b': { bytesUp: 3, bytesDown: 4 }, 'h-a': { bytesUp: 1, bytesDown: 2 } } });
    expect(m?.rows).toEqual(['h-a', 'h-b']);
    expect(m?.cells).toEqual([
      [0, 0, 1],
      [1, 0, 2],
      [0, 1, 3],
      [1, 1, 4],
    ]);
    expect(linkMatrix({ links: {}, rejected: {} })).toBeNull();
    expect(linkMatrix(null)).toBeNull();
  });
});

describe('partitionChart', () => {
  it(`stacks labels per client and shows the first ${PARTITION_MAX_CLIENTS} clients of more`, () => {
    const clients = Array.from({ length: 60 }, (_, id) => ({ id: 59 - id, n: 3, byLabel: [id, 1, 2] }));
    const chart = partitionChart(runOf('p', [], { n: 180, classes: 3, clients }), 4);
    expect(chart?.id).toBe('partition-4');
    expect(chart?.note).toBe('showing the first 50 of 60 clients');
    const series = chart?.option.series as { name: string; stack: string; data: number[] }[];
    expect(series.map((s) => s.name)).toEqual(['label 0', 'label 1', 'label 2']);
    expect(series[0].data).toHaveLength(50);
    expect(series[0].data.slice(0, 2)).toEqual([59, 58]); // sorted by client id: client 0 has byLabel[0] = 59
    expect(partitionChart(runOf('q', []), 0)).toBeNull();
  });
});

describe('findChromium', () => {
  it('STARLING_CHROMIUM wins when it exists and is refused when it does not', () => {
    expect(findChromium({ STARLING_CHROMIUM: process.execPath })).toBe(process.execPath);
    expect(findChromium({ STARLING_CHROMIUM: '/nonexistent/chromium' })).toBeNull();
  });
});
