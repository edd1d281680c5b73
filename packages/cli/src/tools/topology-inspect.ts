import { writeFileSync } from 'node:fs';
import { buildTopology, formatReportText, reportTopology, toDot, toSvg } from '@starling/topologies';
import type { TopologyInspectArgs } from '../commands/topology.js';

/** `starling topology inspect`: the report as text, JSON or DOT, and optionally an SVG file. */
export function topologyInspect(args: TopologyInspectArgs): void {
  const { name, json, dot, svg, ...rest } = args;
  const options = Object.fromEntries(
    Object.entries({ kind: name, ...rest }).filter(
      ([k, v]) => v !== undefined && !k.includes('-') && k !== '_' && k !== '$0',
    ),
  );
  const topology = buildTopology({ ...options, kind: name });
  const report = reportTopology(topology, args.method);
  if (svg) writeFileSync(svg, toSvg(topology.graph));
  if (json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (dot) process.stdout.write(toDot(topology.graph, topology.mixing));
  else process.stdout.write(`${formatReportText(report).trimEnd()}\n`);
}
