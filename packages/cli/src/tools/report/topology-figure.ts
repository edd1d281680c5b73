import { buildTopology, SVG_MAX_NODES, toSvg } from '@starling/topologies';
import type { RunData } from './load-run.js';

/** A gossip run's graph as an SVG drawing (the `starling topology inspect --svg` renderer), or why not. */
export interface TopologyFigure {
  readonly run: string;
  /** e.g. `ring, 16 peers`. */
  readonly caption: string;
  /** The standalone SVG, or null with `note` saying why it is not drawn. */
  readonly svg: string | null;
  readonly note?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Draws the topology of a gossip run from its config.resolved.json (`algorithm.topology` over
 * `algorithm.peers` nodes, random graphs seeded by `topology.seed` or the run's seed, as the gossip
 * driver builds it). Null for runs without a gossip topology.
 */
export function topologyFigure(run: RunData): TopologyFigure | null {
  const algorithm = run.config?.algorithm;
  if (!isRecord(algorithm) || !isRecord(algorithm.topology) || typeof algorithm.peers !== 'number') return null;
  const nodes = algorithm.peers;
  const topology = algorithm.topology;
  const kind = String(topology.kind);
  const caption = `${kind}, ${nodes} peers`;
  if (nodes > SVG_MAX_NODES) return { run: run.name, caption, svg: null, note: `more than ${SVG_MAX_NODES} peers` };
  const seed = [topology.seed, run.config?.seed].find((s): s is number => typeof s === 'number');
  try {
    const graph = buildTopology({ ...topology, kind, seed, nodes }).graph;
    return { run: run.name, caption, svg: toSvg(graph, { size: 420 }) };
  } catch (err) {
    return { run: run.name, caption, svg: null, note: err instanceof Error ? err.message : String(err) };
  }
}
