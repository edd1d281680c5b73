/** An echarts option object, plain JSON (no functions), so that it can be embedded in the page as data. */
export type ChartOption = Record<string, unknown>;

/**
 * One figure of the report: a DOM id (`chart-<id>` in the page; the `--png` file is `<id>.png`), its
 * echarts option and an optional note shown under it (what was left out, and why).
 */
export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly option: ChartOption;
  readonly note?: string;
  /** Height in CSS pixels (default 360). */
  readonly height?: number;
  /** Takes the page's full width (heat maps, partitions); line charts sit two to a row on wide screens. */
  readonly wide?: boolean;
}

/** Colours of runs 0, 1, 2, ... (a run keeps its colour in every figure). */
export const RUN_COLORS = [
  '#5470c6',
  '#ee6666',
  '#3ba272',
  '#fac858',
  '#9a60b4',
  '#73c0de',
  '#fc8452',
  '#91cc75',
  '#ea7ccc',
  '#2f4554',
] as const;

/** The colour of run `i`. */
export function runColor(i: number): string {
  return RUN_COLORS[i % RUN_COLORS.length];
}

/** An axis of a line chart: its label and whether it is logarithmic. */
export interface AxisSpec {
  readonly name: string;
  readonly log?: boolean;
}

/**
 * The frame every line chart shares: no animation (figures are final at once, for screenshots and
 * tests), an axis tooltip, a scrollable legend whose entries toggle series, zoom by wheel / drag and a
 * slider under the x axis, and a toolbox (box zoom, reset, save as PNG).
 */
export function lineFrame(title: string, x: AxisSpec, y: AxisSpec, series: readonly ChartOption[]): ChartOption {
  const axis = (a: AxisSpec, gap: number) => ({
    type: a.log ? 'log' : 'value',
    name: a.name,
    nameLocation: 'middle',
    nameGap: gap,
    scale: !a.log,
  });
  return {
    animation: false,
    title: { text: title, left: 10, textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis', axisPointer: { type: 'cross' } },
    legend: { type: 'scroll', top: 28, left: 10, right: 10 },
    grid: { left: 70, right: 40, top: 64, bottom: 78 },
    toolbox: { right: 10, feature: { dataZoom: { yAxisIndex: 'none' }, restore: {}, saveAsImage: {} } },
    xAxis: axis(x, 26),
    yAxis: axis(y, 52),
    dataZoom: [
      { type: 'inside', xAxisIndex: 0 },
      { type: 'slider', xAxisIndex: 0, height: 16, bottom: 6 },
    ],
    series,
  };
}

/** A line series of `[x, y]` points for run `index`. */
export function lineSeries(
  name: string,
  index: number,
  data: readonly (readonly [number, number])[],
  style: { readonly dashed?: boolean } = {},
): ChartOption {
  return {
    name,
    type: 'line',
    data,
    color: runColor(index),
    showSymbol: data.length <= 60,
    symbolSize: 5,
    lineStyle: { width: style.dashed ? 1 : 2, type: style.dashed ? 'dashed' : 'solid' },
  };
}
