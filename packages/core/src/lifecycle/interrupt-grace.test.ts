import { describe, expect, it } from 'vitest';
import { InterruptGrace } from './interrupt-grace.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('InterruptGrace', () => {
  it('stops at once without a grace or without an open round', () => {
    let stops = 0;
    expect(new InterruptGrace(0, () => stops++).abort(true)).toBe(false);
    expect(new InterruptGrace(1000, () => stops++).abort(false)).toBe(false);
    expect(stops).toBe(2);
  });

  it('stops when the open round passes, once, and not again when the grace runs out', async () => {
    let stops = 0;
    const g = new InterruptGrace(40, () => stops++);
    g.roundPassed(); // no abort yet: nothing happens
    expect(stops).toBe(0);
    expect(g.abort(true)).toBe(true);
    expect(g.draining).toBe(true);
    expect(g.abort(true)).toBe(true); // a second abort changes nothing
    g.roundPassed();
    expect(stops).toBe(1);
    expect(g.draining).toBe(false);
    await sleep(80);
    expect(stops).toBe(1);
  });

  it('stops when the grace runs out; close() before that stops nothing', async () => {
    let stops = 0;
    const g = new InterruptGrace(20, () => stops++);
    g.abort(true);
    await sleep(60);
    expect(stops).toBe(1);
    const h = new InterruptGrace(20, () => stops++);
    h.abort(true);
    h.close();
    await sleep(60);
    expect(stops).toBe(1);
  });
});
