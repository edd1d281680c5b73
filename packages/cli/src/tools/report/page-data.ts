import type { ChartSpec } from './chart-spec.js';
import { type ConfigDiffRow, configDiff } from './config-diff.js';
import { gossipCharts, isGossip } from './gossip-charts.js';
import { linkCharts } from './link-heatmap.js';
import type { RunData } from './load-run.js';
import { metricCharts } from './metric-charts.js';
import { partitionChart } from './partition-chart.js';
import { type RunHeader, runHeader } from './run-header.js';
import { type TopologyFigure, topologyFigure } from './topology-figure.js';

/** A titled group of figures; `note` says what the section leaves out. */
export interface ReportSection {
  readonly title: string;
  readonly charts: readonly ChartSpec[];
  /** SVG drawings (the gossip topologies), shown after the charts. */
  readonly drawings?: readonly TopologyFigure[];
  readonly note?: string;
}

/**
 * Everything the page shows, as JSON: embedded in report.html (`<script type="application/json"
 * id="starling-report">`) and turned into charts by the page's script.
 */
export interface ReportPage {
  readonly title: string;
  readonly runs: readonly RunHeader[];
  readonly sections: readonly ReportSection[];
  /** Run names (the columns) and the config keys whose values differ between runs. */
  readonly configDiff: { readonly runs: readonly string[]; readonly rows: readonly ConfigDiffRow[] };
}

/** The ids of the figures `--png` writes when present, in order. */
export const MAIN_FIGURES = ['accuracy-round', 'accuracy-bytes', 'loss-round', 'consensus-round'] as const;

/** One partition figure per distinct partition.json; runs whose partition equals an earlier run's are named in `same`. */
function samePartitions(runs: readonly RunData[]): { charts: ChartSpec[]; same: string[] } {
  const seen = new Map<string, string>();
  const charts: ChartSpec[] = [];
  const same: string[] = [];
  runs.forEach((r, i) => {
    const key = JSON.stringify(r.partition);
    const first = seen.get(key);
    if (r.partition !== null && first !== undefined) {
      same.push(`${r.name}: the same partition as ${first}`);
      return;
    }
    seen.set(key, r.name);
    const chart = partitionChart(r, i);
    if (chart !== null) charts.push(chart);
  });
  return { charts, same };
}

/** Builds the page of one report over `runs` (named, in the order given). */
export function buildPage(runs: readonly RunData[], title: string): ReportPage {
  const sections: ReportSection[] = [{ title: 'Test accuracy and loss', charts: metricCharts(runs) }];
  const gossip = gossipCharts(runs);
  if (gossip.length > 0) {
    const others = runs.filter((r) => !isGossip(r)).map((r) => r.name);
    const note = others.length > 0 ? `gossip runs only (not ${others.join(', ')})` : undefined;
    sections.push({ title: 'Gossip: consensus and node accuracy', charts: gossip, note });
    const drawings = runs.filter(isGossip).flatMap((r) => topologyFigure(r) ?? []);
    if (drawings.length > 0) sections.push({ title: 'Gossip topology', charts: [], drawings });
  }
  const links = linkCharts(runs);
  sections.push({
    title: 'Bytes per link or host (links.json)',
    charts: links.charts,
    note:
      links.missing.length > 0
        ? `no byte matrix for ${links.missing.join(', ')} (interrupted and failed runs write no links.json; inline parameter-server runs count no per-host bytes)`
        : undefined,
  });
  const partitions = samePartitions(runs);
  sections.push({
    title: 'Partition: examples per label and client (partition.json)',
    charts: partitions.charts,
    note: partitions.same.length > 0 ? partitions.same.join('; ') : undefined,
  });
  return {
    title,
    runs: runs.map(runHeader),
    sections,
    configDiff: { runs: runs.map((r) => r.name), rows: configDiff(runs.map((r) => r.config)) },
  };
}
