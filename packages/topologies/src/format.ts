import { errors } from '@starling/core';
import type { Graph } from './graph.js';
import type { TopologyReport } from './inspect.js';
import type { MixingMatrix, MixingRow } from './mixing/mixing-matrix.js';

const num = (x: number | null, digits = 6) => (x === null ? 'n/a' : Number(x.toPrecision(digits)).toString());

/** The report as aligned `label  value` lines for a terminal (no colours, ends without a newline). */
export function formatReportText(report: TopologyReport): string {
  const d = report.degree;
  const lines: [string, string][] = [
    ['topology', `${report.kind}, ${report.nodes} nodes${report.seed === null ? '' : `, seed ${report.seed}`}`],
    ['edges', `${report.edges} (degree min ${d.min}, mean ${num(d.mean, 4)}, max ${d.max})`],
    ['weights', `${report.weights}${report.lazy ? ', lazy (I + W)/2' : ''}`],
  ];
  const s = report.spectral;
  const how = s
    ? `${s.quantity === 'eigenvalue' ? '' : `σ₂ of the product over ${report.rounds} rounds, `}${s.method}` +
      (s.method === 'iterative'
        ? `, ${s.iterations} Lanczos steps${s.converged ? '' : ', NOT converged: a lower bound'}`
        : '')
    : 'not computed: weights are invalid';
  lines.push(['|lambda_2|', `${num(report.lambda2)} (${how})`]);
  lines.push(['spectral gap', num(report.spectralGap)]);
  if (report.timeVarying) lines.push(['per round', `${num(report.lambda2PerRound)} (|lambda_2|^(1/${report.rounds}))`]);
  lines.push(['messages', `${num(report.messagesPerRound)} per round`]);
  lines.push(['10x shrink', report.roundsPer10x === null ? 'never' : `${num(report.roundsPer10x, 4)} rounds`]);
  for (const p of report.problems) lines.push(['problem', p]);
  return lines.map(([label, value]) => `${label.padEnd(14)}${value}`).join('\n');
}

function weightTo(row: MixingRow, j: number): number {
  return row.neighbors.find((e) => e.node === j)?.weight ?? 0;
}

/**
 * Graphviz DOT text of an undirected graph (`graph topology { 0 -- 1; … }`). With W, nodes are labelled
 * with their self weight and edges with W_ij (or `W_ij / W_ji` when they differ). Ends with a newline.
 */
export function toDot(graph: Graph, w?: MixingMatrix): string {
  if (w !== undefined && w.n !== graph.n) throw errors.shape('mixing matrix size', graph.n, w.n);
  const out = ['graph topology {', '  node [shape=circle];'];
  for (let i = 0; i < graph.n; i++) {
    out.push(w ? `  ${i} [label="${i}\\n${num(w.rows[i].self, 3)}"];` : `  ${i};`);
  }
  for (let i = 0; i < graph.n; i++) {
    for (const j of graph.neighbors[i]) {
      if (j < i) continue;
      if (!w) {
        out.push(`  ${i} -- ${j};`);
        continue;
      }
      const wij = weightTo(w.rows[i], j);
      const wji = weightTo(w.rows[j], i);
      const label = Math.abs(wij - wji) <= 1e-12 ? num(wij, 3) : `${num(wij, 3)} / ${num(wji, 3)}`;
      out.push(`  ${i} -- ${j} [label="${label}"];`);
    }
  }
  out.push('}', '');
  return out.join('\n');
}

/** Largest graph {@link toSvg} draws; beyond it a circular drawing is a solid disc. */
export const SVG_MAX_NODES = 2000;

/**
 * A standalone SVG drawing with nodes evenly spaced on a circle (node 0 at the top, ids clockwise) and
 * straight edges. Labels are drawn up to 64 nodes. `size` is the width and height in pixels. Ends with
 * a newline.
 */
export function toSvg(graph: Graph, options: { size?: number } = {}): string {
  if (graph.n > SVG_MAX_NODES)
    throw errors.usage(`--svg draws at most ${SVG_MAX_NODES} nodes, this graph has ${graph.n}`);
  const size = options.size ?? 600;
  const c = size / 2;
  const r = size / 2 - 30;
  const dot = Math.max(1.5, Math.min(10, (Math.PI * r) / graph.n / 1.5));
  const pos = Array.from({ length: graph.n }, (_, i) => {
    const a = (2 * Math.PI * i) / graph.n - Math.PI / 2;
    return [c + r * Math.cos(a), c + r * Math.sin(a)].map((v) => Number(v.toFixed(2)));
  });
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">`,
    '<rect width="100%" height="100%" fill="white"/>',
    '<g stroke="#4a6fa5" stroke-opacity="0.6" stroke-width="1">',
  ];
  for (let i = 0; i < graph.n; i++) {
    for (const j of graph.neighbors[i]) {
      if (j > i) out.push(`<line x1="${pos[i][0]}" y1="${pos[i][1]}" x2="${pos[j][0]}" y2="${pos[j][1]}"/>`);
    }
  }
  out.push('</g>', '<g fill="#f4a259" stroke="#333" stroke-width="1">');
  for (const [x, y] of pos) out.push(`<circle cx="${x}" cy="${y}" r="${dot}"/>`);
  out.push('</g>');
  if (graph.n <= 64) {
    out.push('<g font-family="sans-serif" font-size="11" text-anchor="middle" fill="#111">');
    pos.forEach(([x, y], i) => {
      const [lx, ly] = [c + ((x - c) * (r + 16)) / r, c + ((y - c) * (r + 16)) / r + 4];
      out.push(`<text x="${lx.toFixed(2)}" y="${ly.toFixed(2)}">${i}</text>`);
    });
    out.push('</g>');
  }
  out.push('</svg>', '');
  return out.join('\n');
}
