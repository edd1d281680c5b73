import { Rng, retransmitSeconds } from '@starling/core';
import type { SendResult, TensorInput } from '@starling/transport';
import { describe, expect, it } from 'vitest';
import { UpdateEmulation } from './update-emulation.js';

const table = { '0': { latencyS: 0.01, upBps: 2e7, downBps: 1e8, computeS: 0.05 } };

describe('UpdateEmulation', () => {
  it('hands an update over at a + latency + 8D/down + compute + 8U/up + latency, with its bytes copied', async () => {
    const e = new UpdateEmulation(table);
    const a = performance.now();
    e.taskArrived(3, 125_000); // 10 ms down on 100 Mbit/s
    const delta = new Float32Array(31_250).fill(2); // 125,000 bytes: 50 ms up on 20 Mbit/s
    let at = 0;
    let got: readonly TensorInput[] = [];
    const done = e.hold(0, 3, [{ name: 'delta', data: delta }], async (t): Promise<SendResult> => {
      at = performance.now() - a;
      got = t;
      return { ok: true, bytes: 125_000 };
    });
    delta.fill(7); // the caller reuses its memory at once
    expect(await done).toEqual({ ok: true, bytes: 125_000 });
    const expected = 10 + 10 + 50 + 50 + 10;
    expect(at).toBeGreaterThan(expected - 1.5);
    expect(at).toBeLessThan(expected + 100); // late only by scheduling delays on a loaded machine
    expect(Array.from(got[0].data as Float32Array).every((v) => v === 2)).toBe(true);
    e.close();
  });

  it('sends an unlisted node, or a round whose task it never saw, at once; close resolves held ones as closed', async () => {
    const e = new UpdateEmulation(table);
    let sent = 0;
    const send = async (): Promise<SendResult> => {
      sent++;
      return { ok: true, bytes: 0 };
    };
    await e.hold(5, 0, [], send);
    await e.hold(0, 9, [], send);
    expect(sent).toBe(2);
    e.taskArrived(1, 1000);
    const held = e.hold(0, 1, [], send);
    e.close();
    expect(await held).toEqual({ ok: false, reason: 'closed' });
    expect(sent).toBe(2);
  });

  it("adds the clock's seeded retransmission time on both links when the client's links are lossy", async () => {
    const loss = { rate: 0.2, key: Rng.fromSeed(3).fork('packet-loss').key() };
    const lossy = { '0': { ...table['0'], loss } };
    const round = 4;
    const down = retransmitSeconds(loss, round, 'down', 125_000, 0.01, 1e8);
    const up = retransmitSeconds(loss, round, 'up', 125_000, 0.01, 2e7);
    expect(down).toBeGreaterThan(0.1); // 87 segments at 20 % loss: about 22 retransmissions of 20 ms each
    const e = new UpdateEmulation(lossy);
    const a = performance.now();
    e.taskArrived(round, 125_000);
    let at = 0;
    await e.hold(0, round, [{ name: 'delta', data: new Float32Array(31_250) }], async (): Promise<SendResult> => {
      at = performance.now() - a;
      return { ok: true, bytes: 125_000 };
    });
    const expected = 10 + 10 + 50 + 50 + 10 + 1000 * (down + up);
    expect(at).toBeGreaterThan(expected - 1.5);
    expect(at).toBeLessThan(expected + 100);
    e.close();
  });
});
