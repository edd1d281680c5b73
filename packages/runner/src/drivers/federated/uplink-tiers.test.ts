import { drawProfiles, jsKernels, makeLayout, Rng, StarlingError } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../config/load.js';
import { uplinkTiers } from './uplink-tiers.js';

const layout = makeLayout([{ name: 'w', shape: [100] }]);
const cfgWith = (compression: Record<string, unknown>, network = true) =>
  validateConfig({
    name: 'tiers',
    data: { kind: 'mnist', limit: 100 },
    model: { kind: 'softmax' },
    loss: { kind: 'softmax_ce' },
    optimizer: { kind: 'sgd', lr: 0.1 },
    algorithm: { kind: 'fedavg', rounds: 1, clients: 40 },
    compression,
    systems: {
      compute: { seconds: 0.001 },
      ...(network ? { network: { uplinkBps: { kind: 'lognormal', median: 2e6, sigma: 1 }, downlinkBps: 1e7 } } : {}),
    },
  });

describe('uplink compression by bandwidth tier', () => {
  it('gives each client the first tier at or above its drawn uplink rate, else compression.up', () => {
    const cfg = cfgWith({
      up: { kind: 'fp16' },
      upTiers: [
        { maxUplinkBps: 1e6, up: { kind: 'qsgd', levels: 4 } },
        { maxUplinkBps: 3e6, up: null },
      ],
    });
    const profiles = drawProfiles(
      { ...cfg.systems!, network: { ...cfg.systems!.network!, lossRate: undefined } } as never,
      40,
      Rng.fromSeed(1).fork('systems'),
    );
    const t = uplinkTiers(cfg, profiles, layout, jsKernels)!;
    expect(t.kinds).toEqual(['qsgd', null]);
    expect(t.tierOf).toHaveLength(40);
    profiles.forEach((p, i) => {
      const want = p.uplinkBps <= 1e6 ? '0' : p.uplinkBps <= 3e6 ? '1' : '-';
      expect(t.tierOf[i]).toBe(want);
    });
    expect(t.counts.reduce((a, b) => a + b, 0)).toBe(40);
    expect(t.counts.every((c) => c > 0)).toBe(true); // a median of 2 Mbit/s with σ = 1 fills all three
  });

  it('refuses tiers without systems.network, unsorted thresholds and a spec that does not fit the model', () => {
    const fail = (f: () => unknown, re: RegExp) => {
      expect(f).toThrow(StarlingError);
      expect(f).toThrow(re);
    };
    const profiles = drawProfiles(
      {
        compute: { per: 'example', seconds: { kind: 'constant', value: 0.001 } },
        network: null,
        availability: { kind: 'always' },
        localWork: { kind: 'plan' },
        deadlineS: null,
        trace: null,
      },
      40,
      Rng.fromSeed(1),
    );
    const tiers = [{ maxUplinkBps: 1e6, up: { kind: 'fp16' } }];
    fail(
      () => uplinkTiers(cfgWith({ upTiers: tiers }, false), profiles, layout, jsKernels),
      /compression\.upTiers must be used with a systems\.network/,
    );
    const unsorted = [...tiers, { maxUplinkBps: 5e5, up: null }];
    fail(
      () => uplinkTiers(cfgWith({ upTiers: unsorted }), profiles, layout, jsKernels),
      /compression\.upTiers\[1\]\.maxUplinkBps must be above/,
    );
    const tooMany = [{ maxUplinkBps: 1e6, up: { kind: 'topk', count: 1000 } }];
    fail(
      () => uplinkTiers(cfgWith({ upTiers: tooMany }), profiles, layout, jsKernels),
      /compression\.upTiers\[0\]\.up/,
    );
  });
});
