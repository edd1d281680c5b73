import { describe, expect, it } from 'vitest';
import { ServerWait } from './server-wait.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ServerWait', () => {
  it('gives up once the server stayed away for the whole wait, counted from the first start, and only once', async () => {
    let expired = 0;
    const w = new ServerWait(200, () => expired++);
    w.start();
    await sleep(150);
    w.start(); // still away: the clock keeps running (a restarted one would fire at 350 ms)
    await sleep(100);
    expect(expired).toBe(1);
    await sleep(150);
    expect(expired).toBe(1);
  });

  it('hearing from the server stops the clock; losing it again starts a full wait', async () => {
    let expired = 0;
    const w = new ServerWait(200, () => expired++);
    w.start();
    await sleep(120);
    w.stop();
    w.start();
    await sleep(120);
    expect(expired).toBe(0);
    await sleep(200);
    expect(expired).toBe(1);
    w.stop();
  });

  it('once closed, a start (a loss heard while the host closes) does not start the clock again', async () => {
    let expired = 0;
    const w = new ServerWait(100, () => expired++);
    w.start();
    w.close();
    w.start();
    await sleep(200);
    expect(expired).toBe(0);
  });
});
