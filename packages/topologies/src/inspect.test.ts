import { describe, expect, it } from 'vitest';
import { buildTopology } from './build.js';
import { formatReportText, toDot, toSvg } from './format.js';
import { inspectTopology } from './inspect.js';

describe('inspectTopology', () => {
  it('reports a Metropolis ring of 16', () => {
    const r = inspectTopology({ kind: 'ring', nodes: 16 });
    expect(r).toMatchObject({ kind: 'ring', nodes: 16, edges: 16, degree: { min: 2, max: 2, mean: 2 } });
    expect(r.lambda2).toBeCloseTo(0.949253, 6);
    expect(r.spectralGap).toBeCloseTo(0.050747, 6);
    expect(r.messagesPerRound).toBe(32);
    expect(r.roundsPer10x).toBeCloseTo(Math.LN10 / -Math.log(r.lambda2!), 10);
    expect(r.valid).toBe(true);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('reports the one-peer exponential schedule as exact averaging over its period', () => {
    const r = inspectTopology({ kind: 'one-peer-exponential', nodes: 16 });
    expect(r).toMatchObject({ kind: 'one_peer_exponential', timeVarying: true, rounds: 4, messagesPerRound: 16 });
    expect(r.lambda2).toBeLessThan(1e-12);
    expect(r.roundsPer10x).toBe(4);
    expect(r.problems).toEqual([]);
  });

  it('says why uniform weights on a star give no |lambda_2|', () => {
    const r = inspectTopology({ kind: 'star', nodes: 6, weights: 'uniform' });
    expect(r.lambda2).toBeNull();
    expect(r.valid).toBe(false);
    expect(r.problems.join(' ')).toMatch(/symmetric only on regular graphs/);
  });

  it('uses the seed for random kinds and records it', () => {
    const a = inspectTopology({ kind: 'erdos_renyi', nodes: 40, p: 0.2, seed: 3 });
    const b = inspectTopology({ kind: 'erdos_renyi', nodes: 40, p: 0.2, seed: 3 });
    const c = inspectTopology({ kind: 'erdos_renyi', nodes: 40, p: 0.2, seed: 4 });
    expect(a).toEqual(b);
    expect(a.seed).toBe(3);
    expect(c.lambda2).not.toBe(a.lambda2);
    expect(inspectTopology({ kind: 'ring', nodes: 5 }).seed).toBeNull();
  });

  it('makes lazy weights mix slower: lambda2 becomes (1 + lambda2)/2 for the ring', () => {
    const plain = inspectTopology({ kind: 'ring', nodes: 10 }).lambda2!;
    const lazy = inspectTopology({ kind: 'ring', nodes: 10, lazy: true }).lambda2!;
    expect(lazy).toBeCloseTo((1 + plain) / 2, 12);
  });

  it('rejects options that do not belong to the kind', () => {
    expect(() => inspectTopology({ kind: 'one_peer_exponential', nodes: 8, weights: 'metropolis' })).toThrow(
      'topology has unknown key "weights"',
    );
    expect(() => inspectTopology({ kind: 'ring', nodes: 8, p: 0.5 })).toThrow('topology has unknown key "p"');
    expect(() => inspectTopology({ kind: 'moebius', nodes: 8 })).toThrow(
      /topology\.kind must be one of .*random_matching/,
    );
  });

  it('analyses random matchings over a window of rounds', () => {
    const r = inspectTopology({ kind: 'random_matching', nodes: 16, seed: 1, window: 12 });
    expect(r).toMatchObject({ rounds: 12, messagesPerRound: 16, seed: 1 });
    expect(r.lambda2!).toBeLessThan(1);
  });
});

describe('report formatters', () => {
  it('prints the report as labelled lines', () => {
    const text = formatReportText(inspectTopology({ kind: 'ring', nodes: 8 }));
    expect(text).toContain('|lambda_2|    0.804738 (exact)');
    expect(text).toContain('messages      16 per round');
  });

  it('writes DOT with weights and an SVG with one circle per node', () => {
    const t = buildTopology({ kind: 'star', nodes: 4 });
    const dot = toDot(t.graph, t.mixing);
    expect(dot).toMatch(/^graph topology \{\n[\s\S]*\n\}\n$/);
    expect(dot).toContain('0 -- 3 [label="0.25"];');
    expect(dot).toContain('1 [label="1\\n0.75"];');
    const svg = toSvg(t.graph);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<circle /g)?.length).toBe(4);
    expect(svg.match(/<line /g)?.length).toBe(3);
  });
});
