import { jsKernels, makeLayout } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { partitionPlan, spread } from './partition-stats.js';
import { payloadSize } from './payload-size.js';
import { placeNodes } from './placement.js';
import { roundSpans, spanTotals } from './round-spans.js';

describe('explain: its parts', () => {
  it('places nodes in contiguous blocks over hosts sorted by id as strings (host-10 before host-2)', () => {
    const p = placeNodes({ kind: 'processes', workers: 12, transport: 'tcp' }, 24);
    expect(p.hosts.map((h) => h.host).slice(0, 4)).toEqual(['host-0', 'host-1', 'host-10', 'host-11']);
    expect(p.hosts[2]).toEqual({ host: 'host-10', nodes: '4-5', count: 2 });
    expect(p.owner(23)).toBe(11);
    const uneven = placeNodes({ kind: 'processes', workers: 3, transport: 'tcp' }, 10);
    // floor(k * 3 / 10): 0-3 -> 0, 4-6 -> 1, 7-9 -> 2
    expect(uneven.hosts.map((h) => h.nodes)).toEqual(['0-3', '4-6', '7-9']);
    expect(placeNodes({ kind: 'inline' }, 5).hosts).toEqual([{ host: 'main thread', nodes: '0-4', count: 5 }]);
  });

  it('median of an even count is the mean of the middle two; labels are counted per client', () => {
    expect(spread([5, 1, 3, 2])).toEqual({ min: 1, median: 2.5, max: 5 });
    expect(spread([])).toEqual({ min: 0, median: 0, max: 0 });
    const labels = Int32Array.from([0, 0, 1, 2, 2, 2]);
    const p = partitionPlan([Int32Array.from([0, 1]), Int32Array.from([2, 3, 4, 5])], labels, 3);
    expect(p.examples).toEqual({ min: 2, median: 3, max: 4, total: 6 });
    expect(p.labels_per_client).toEqual({ min: 1, median: 1.5, max: 2 });
  });

  it('payload sizes: raw 4d, fp16 8 + 2d, qsgd and sign fixed, top-k between one and the widest varint per gap', () => {
    const layout = makeLayout([{ name: 'w', shape: [1000] }]);
    const size = (spec: unknown) => payloadSize(spec, layout, jsKernels, 'compression.up');
    expect(size(undefined)).toEqual({ bytes: 4000, exact: true, max: 4000 });
    expect(size({ kind: 'fp16' })).toEqual({ bytes: 8 + 2000, exact: true, max: 8 + 2000 });
    expect(size({ kind: 'sign' }).exact).toBe(true);
    // top-k 1% of 1000: header 8, u32 k, 10 floats, then 10 gaps of 1 byte (adjacent) up to 2 bytes (gap ≤ 990).
    expect(size({ kind: 'topk', ratio: 0.01 })).toEqual({ bytes: 8 + 4 + 40 + 10, exact: false, max: 8 + 4 + 40 + 20 });
    expect(size({ kind: 'dropout', p: 0.5 })).toEqual({ bytes: 8, exact: false, max: 8 + 4000 });
  });

  it('run-length encodes equal rounds and sums them back', () => {
    const r = { bytes_up: 10, bytes_down: 20, messages: 2 };
    const spans = roundSpans([r, r, { ...r, bytes_up: 11 }, r]);
    expect(spans.map((s) => [s.from, s.to, s.bytes_up])).toEqual([
      [0, 1, 10],
      [2, 2, 11],
      [3, 3, 10],
    ]);
    expect(spanTotals(spans)).toEqual({ bytes_up: 41, bytes_down: 80 });
  });
});
