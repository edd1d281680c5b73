import { writeFileSync } from 'node:fs';
import {
  buildTopology,
  formatReportText,
  reportTopology,
  type TopologyOptions,
  toDot,
  toSvg,
} from '@starling/topologies';

/** `starling topology inspect`: the report as text, JSON or DOT, and optionally an SVG file. */
export function topologyInspect(
  options: TopologyOptions,
  output: { readonly json: boolean; readonly dot: boolean; readonly svg?: string },
): void {
  // Flags left unset are absent, not undefined: each kind's schema refuses keys it does not take.
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const topology = buildTopology({ ...given, kind: options.kind });
  const report = reportTopology(topology, options.method);
  if (output.svg) writeFileSync(output.svg, toSvg(topology.graph));
  if (output.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (output.dot) process.stdout.write(toDot(topology.graph, topology.mixing));
  else process.stdout.write(`${formatReportText(report).trimEnd()}\n`);
}
