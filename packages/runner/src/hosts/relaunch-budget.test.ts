import { describe, expect, it } from 'vitest';
import { RelaunchBudget } from './relaunch-budget.js';

describe('RelaunchBudget', () => {
  it('allows max relaunches per host in a sliding window of windowS seconds', () => {
    let t = 0;
    const b = new RelaunchBudget({ max: 2, windowS: 10 }, () => t);
    expect(b.take('a')).toBe(1);
    t = 4000;
    expect(b.allows('a')).toBe(true);
    expect(b.take('a')).toBe(2);
    expect(b.allows('a')).toBe(false);
    expect(b.allows('b')).toBe(true); // per host
    t = 10_001; // the first relaunch (t = 0) left the window; the second (t = 4 s) is still in it
    expect(b.allows('a')).toBe(true);
    expect(b.take('a')).toBe(2);
    expect(b.allows('a')).toBe(false);
    t = 14_001;
    expect(b.take('a')).toBe(2);
  });

  it('max 0 never relaunches', () => {
    const b = new RelaunchBudget({ max: 0, windowS: 60 }, () => 0);
    expect(b.allows('a')).toBe(false);
  });
});
