import { describe, expect, it } from 'vitest';
import { VirtualClock } from './virtual-clock.js';

describe('the virtual clock', () => {
  it('hands out events by (time, client id, insertion) and moves now to each', () => {
    const c = new VirtualClock<string>();
    c.schedule(3, 1, 'c');
    c.schedule(1, 5, 'a');
    c.schedule(3, 0, 'b');
    c.schedule(1, 5, 'a2');
    c.schedule(7, 0, 'd');
    const seen: [string, number][] = [];
    for (let e = c.next(); e; e = c.next()) seen.push([e.payload, c.now]);
    expect(seen).toEqual([
      ['a', 1],
      ['a2', 1],
      ['b', 3],
      ['c', 3],
      ['d', 7],
    ]);
    expect(c.pending).toBe(0);
  });

  it('never goes back in time', () => {
    const c = new VirtualClock();
    c.advance(2.5);
    expect(() => c.schedule(1, 0, null)).toThrow(/before now/);
    expect(() => c.advance(-1)).toThrow();
    expect(c.now).toBe(2.5);
  });
});
