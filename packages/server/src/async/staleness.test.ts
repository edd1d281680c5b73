import { describe, expect, it } from 'vitest';
import { stalenessSchema, stalenessWeight } from './staleness.js';

describe('staleness functions (Xie et al. 2019)', () => {
  it('constant is 1 at every staleness', () => {
    expect([0, 1, 7, 1000].map((d) => stalenessWeight({ kind: 'constant' }, d))).toEqual([1, 1, 1, 1]);
  });

  it('polynomial is (d + 1)^(−a)', () => {
    const half = { kind: 'polynomial', a: 0.5 } as const;
    expect(stalenessWeight(half, 0)).toBe(1);
    expect(stalenessWeight(half, 3)).toBe(0.5); // 4^(−1/2)
    expect(stalenessWeight(half, 8)).toBeCloseTo(1 / 3, 15);
    expect(stalenessWeight({ kind: 'polynomial', a: 2 }, 4)).toBeCloseTo(1 / 25, 15);
  });

  it('hinge is 1 up to b, then 1 / (a(d − b) + 1)', () => {
    const h = { kind: 'hinge', a: 10, b: 4 } as const;
    expect([0, 4, 5, 6, 14].map((d) => stalenessWeight(h, d))).toEqual([1, 1, 1 / 11, 1 / 21, 1 / 101]);
    expect(stalenessWeight({ kind: 'hinge', a: 0.5, b: 0 }, 2)).toBe(0.5);
  });

  it('refuses a negative or fractional staleness, naming the option', () => {
    expect(() => stalenessWeight({ kind: 'constant' }, -1)).toThrow(
      /algorithm.staleness staleness must be an integer ≥ 0, got -1/,
    );
    expect(() => stalenessWeight({ kind: 'constant' }, 0.5)).toThrow(/integer/);
  });

  it('fills Xie et al.’s defaults', () => {
    expect(stalenessSchema.parse({ kind: 'polynomial' })).toEqual({ kind: 'polynomial', a: 0.5 });
    expect(stalenessSchema.parse({ kind: 'hinge' })).toEqual({ kind: 'hinge', a: 10, b: 4 });
  });
});
