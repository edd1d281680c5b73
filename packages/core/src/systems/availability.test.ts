import { describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng.js';
import { IntervalAvailability, OnOffAvailability } from './availability.js';

describe('client availability', () => {
  it('on/off: online a share meanOn/(meanOn+meanOff) of the time, on-periods of mean meanOnS', () => {
    const root = Rng.fromSeed(5);
    let online = 0;
    let periods = 0;
    let length = 0;
    const clients = 4000;
    for (let c = 0; c < clients; c++) {
      const a = new OnOffAvailability(root.fork('client', c), 300, 100);
      if (a.onlineUntil(1000) !== null) online++;
      // The length of the first on-period starting after t = 0.
      let t = 0;
      while (a.onlineUntil(t) !== null) t = a.onlineUntil(t)!;
      while (a.onlineUntil(t) === null) t += 1;
      const start = t;
      length += a.onlineUntil(start)! - start;
      periods++;
    }
    expect(online / clients).toBeCloseTo(0.75, 1);
    expect(length / periods).toBeGreaterThan(300 * 0.93); // ≈ 300 (the 1 s scan starts periods up to 1 s late)
    expect(length / periods).toBeLessThan(300 * 1.05);
  });

  it('on/off is a pure function of its stream, whatever order it is asked in', () => {
    const rng = Rng.fromSeed(2).fork('client', 9);
    const times = [5, 50, 500, 5000];
    const forward = new OnOffAvailability(rng, 40, 20);
    const a = times.map((t) => forward.onlineUntil(t));
    const backward = new OnOffAvailability(rng, 40, 20);
    const b = [...times].reverse().map((t) => backward.onlineUntil(t));
    expect(b.reverse()).toEqual(a);
  });

  it('trace intervals: [start, end), touching ones merge, a period repeats them', () => {
    const a = new IntervalAvailability(
      [
        [10, 20],
        [20, 30],
        [50, 60],
      ],
      100,
    );
    expect(a.onlineUntil(5)).toBeNull();
    expect(a.onlineUntil(10)).toBe(30);
    expect(a.onlineUntil(30)).toBeNull();
    expect(a.onlineUntil(155)).toBe(160);
    expect(new IntervalAvailability([[0, 100]], 100).onlineUntil(1e9)).toBe(Number.POSITIVE_INFINITY);
    expect(new IntervalAvailability([[0, 10]], null).onlineUntil(110)).toBeNull();
  });
});
