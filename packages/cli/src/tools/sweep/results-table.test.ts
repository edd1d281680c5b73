import { describe, expect, it } from 'vitest';
import { csvTable, markdownTable, meanStd, resultRows } from './results-table.js';

const cell = (value: string) => ({
  sets: [{ key: 'optimizer.lr', value }],
  label: `optimizer.lr=${value}`,
  slug: value,
});

describe('the sweep results table', () => {
  it('mean and sample std (n - 1), skipping nulls', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sum of squares 32, sample variance 32/7.
    const s = meanStd([2, 4, 4, 4, 5, 5, 7, 9, null]);
    expect(s?.mean).toBe(5);
    expect(s?.std).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(s?.n).toBe(8);
    expect(meanStd([3])).toEqual({ mean: 3, std: 0, n: 1 });
    expect(meanStd([null, null])).toBeNull();
  });

  it('writes one row per cell in markdown and CSV, without all-null metrics', () => {
    const cells = [cell('0.1'), cell('{kind: a, b: 1}')];
    const runs = new Map([
      ['0.1', [0.75, 0.25].map((a, i) => ({ seed: i + 1, summary: { test_accuracy: a, epsilon: null, wall_s: 1 } }))],
    ]);
    const rows = resultRows(cells, runs);
    const md = markdownTable(['optimizer.lr'], rows);
    expect(md.split('\n')[0]).toBe('| optimizer.lr | runs | test_accuracy (mean ± std) | wall_s (mean ± std) |');
    expect(md).toContain('| 0.1 | 2 | 0.5000 ± 0.3536 | 1.0 ± 0.0 |'); // sqrt(2 * 0.25^2 / 1)
    expect(md).toContain('| {kind: a, b: 1} | 0 | – | – |');
    const csv = csvTable(['optimizer.lr'], rows).split('\n');
    expect(csv[0]).toBe('optimizer.lr,runs,seeds,test_accuracy_mean,test_accuracy_std,wall_s_mean,wall_s_std');
    expect(csv[1]).toBe(`0.1,2,1 2,0.5,${Math.sqrt(0.125)},1,0`);
    expect(csv[2]).toBe('"{kind: a, b: 1}",0,,,,,');
  });
});
