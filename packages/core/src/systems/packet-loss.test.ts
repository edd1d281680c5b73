import { describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng.js';
import { clientTiming, plannedWork } from './local-work.js';
import { expectedRetransmitSeconds, type PacketLoss, retransmitSeconds, SEGMENT_BYTES } from './packet-loss.js';
import { drawProfiles, type SystemsSpec } from './profile.js';

const key = Rng.fromSeed(5).fork('packet-loss').key();

describe('seeded packet loss (retransmission time)', () => {
  it('Rng.fromKey rebuilds a stream from its key, at its start', () => {
    const r = Rng.fromSeed(99).fork('x', 3);
    const copy = Rng.fromKey(r.key());
    expect(Array.from({ length: 8 }, () => copy.nextUint32())).toEqual(Array.from({ length: 8 }, () => r.nextUint32()));
    expect(() => Rng.fromKey([1, 2 ** 32])).toThrow(/two 32-bit words/);
  });

  it('costs nothing without loss, and the same (client, round, direction) always costs the same', () => {
    expect(retransmitSeconds({ rate: 0, key }, 3, 'up', 1e6, 0.05, 1e7)).toBe(0);
    const loss: PacketLoss = { rate: 0.05, key };
    const a = retransmitSeconds(loss, 3, 'up', 1e6, 0.05, 1e7);
    expect(retransmitSeconds(loss, 3, 'up', 1e6, 0.05, 1e7)).toBe(a);
    const others = [4, 5, 6].map((r) => retransmitSeconds(loss, r, 'up', 1e6, 0.05, 1e7));
    others.push(retransmitSeconds(loss, 3, 'down', 1e6, 0.05, 1e7));
    expect(new Set([a, ...others]).size).toBeGreaterThan(1);
  });

  it('each retransmission costs one round trip plus one segment on the wire', () => {
    // one segment (a 0-byte message still sends one); 2·latency + 8·1448/bps per retransmission
    const perResend = 2 * 0.03 + (8 * SEGMENT_BYTES) / 2e6;
    for (let round = 0; round < 50; round++) {
      const s = retransmitSeconds({ rate: 0.5, key }, round, 'down', 0, 0.03, 2e6);
      const resent = s / perResend;
      expect(Math.abs(resent - Math.round(resent))).toBeLessThan(1e-9);
    }
  });

  it('averages segments·p/(1−p) retransmissions (the negative binomial mean)', () => {
    const segments = 1000;
    const p = 0.02;
    const rounds = 400;
    let total = 0;
    for (let r = 0; r < rounds; r++)
      total += retransmitSeconds({ rate: p, key }, r, 'up', segments * SEGMENT_BYTES, 0.05, 1e7);
    const perResend = 0.1 + (8 * SEGMENT_BYTES) / 1e7;
    const mean = total / rounds / perResend;
    // mean 20.41, variance n·p/(1−p)² = 20.8 per round: the mean of 400 rounds has sd 0.23
    expect(mean).toBeGreaterThan(20.41 - 1.4);
    expect(mean).toBeLessThan(20.41 + 1.4);
    expect(expectedRetransmitSeconds(p, segments * SEGMENT_BYTES, 0.05, 1e7) / perResend).toBeCloseTo(
      (segments * p) / (1 - p),
      9,
    );
  });

  it('enters clientTiming only with a round, as extra down- and uplink time', () => {
    const spec: SystemsSpec = {
      compute: { per: 'example', seconds: { kind: 'constant', value: 0.001 } },
      network: {
        uplinkBps: { kind: 'constant', value: 1e6 },
        downlinkBps: { kind: 'constant', value: 1e7 },
        latencyS: { kind: 'constant', value: 0.02 },
        lossRate: { kind: 'constant', value: 0.1 },
      },
      availability: { kind: 'always' },
      localWork: { kind: 'plan' },
      deadlineS: null,
      trace: null,
    };
    const [p] = drawProfiles(spec, 1, Rng.fromSeed(1).fork('systems'));
    expect(p.loss?.rate).toBe(0.1);
    const work = plannedWork(10, { epochs: 1, batchSize: 10 });
    const free = clientTiming(p, 80_000, work, 80_000);
    const lossy = clientTiming(p, 80_000, work, 80_000, 7);
    const down = retransmitSeconds(p.loss!, 7, 'down', 80_000, 0.02, 1e7);
    const up = retransmitSeconds(p.loss!, 7, 'up', 80_000, 0.02, 1e6);
    expect(down + up).toBeGreaterThan(0);
    expect(lossy.downS).toBeCloseTo(free.downS + down, 12);
    expect(lossy.upS).toBeCloseTo(free.upS + up, 12);
    expect(lossy.computeS).toBe(free.computeS);
    const noLoss = drawProfiles(
      { ...spec, network: { ...spec.network!, lossRate: undefined } },
      1,
      Rng.fromSeed(1).fork('systems'),
    );
    expect(noLoss[0].loss).toBeNull();
    expect(noLoss[0].uplinkBps).toBe(p.uplinkBps);
    const bad = { ...spec, network: { ...spec.network!, lossRate: { kind: 'constant', value: 1 } as const } };
    expect(() => drawProfiles(bad, 1, Rng.fromSeed(1))).toThrow(
      /systems\.network\.lossRate must be in \[0, 1\) for client 0/,
    );
  });
});
