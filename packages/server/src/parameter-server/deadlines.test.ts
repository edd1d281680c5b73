import { describe, expect, it } from 'vitest';
import { Deadlines } from './deadlines.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Deadlines', () => {
  it('a paused deadline does not fire; resume gives the round its full time again', async () => {
    const fired: number[] = [];
    const d = new Deadlines();
    d.arm(3, 300, () => fired.push(3));
    await sleep(50);
    d.pause();
    d.arm(4, 10, () => fired.push(4)); // armed while paused: waits for resume
    await sleep(400);
    expect(fired).toEqual([]);
    d.resume();
    await sleep(100);
    expect(fired).toEqual([4]); // round 3 has 300 ms again from the resume, not the 250 it had left
    await sleep(300);
    expect(fired).toEqual([4, 3]);
    d.clearAll();
  });

  it('a cleared round never fires', async () => {
    const fired: number[] = [];
    const d = new Deadlines();
    d.arm(1, 20, () => fired.push(1));
    d.clear(1);
    d.pause();
    d.resume();
    await sleep(60);
    expect(fired).toEqual([]);
  });
});
