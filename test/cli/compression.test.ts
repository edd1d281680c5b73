import { describe, expect, it } from 'vitest';
import { smallFedAvg } from '../e2e/e2e-helpers.js';
import { starling } from './cli-helpers.js';

const PARAMS = 784 * 32 + 32 + 32 * 10 + 10;

// Each case: exit code 2 with a message naming the option path, no stack trace, before any round.
const cases: [string, string[], RegExp][] = [
  [
    'an uplink top-k count above the model size',
    [...smallFedAvg, '--set', `compression.up={kind: topk, count: ${PARAMS + 1}}`],
    new RegExp(`compression\\.up\\.count must be at most the model size ${PARAMS}, got ${PARAMS + 1}`),
  ],
  [
    'a downlink random-k count above the model size',
    [...smallFedAvg, '--set', `compression.down={kind: randk, count: ${PARAMS + 5}, errorFeedback: true}`],
    /compression\.down\.count must be at most the model size/,
  ],
  ['a ratio above 1', [...smallFedAvg, '--set', 'compression.up={kind: topk, ratio: 1.5}'], /compression\.up\.ratio/],
  [
    'top-k with both ratio and count',
    [...smallFedAvg, '--set', 'compression.up={kind: topk, ratio: 0.1, count: 10}'],
    /compression\.up\.ratio/,
  ],
  [
    'a gossip compressor on a parameter-server run',
    [...smallFedAvg, '--set', 'compression.gossip={kind: sign}'],
    /compression\.gossip must be absent for the parameter-server algorithm fedavg/,
  ],
  [
    'an uplink compressor on a gossip run',
    ['experiments/dpsgd-ring-16.yaml', '--set', 'compression.up={kind: qsgd, levels: 4}'],
    /compression\.up must be absent on a dpsgd or consensus run/,
  ],
  [
    'error feedback on a delta downlink',
    [...smallFedAvg, '--set', 'compression.down={kind: topk, ratio: 0.02, errorFeedback: true}'],
    /compression\.down\.errorFeedback must be false with downOf: delta/,
  ],
];

describe('bad compression config gets exit code 2 naming the path', () => {
  it.each(cases)('%s', (_name, args, message) => {
    const r = starling(['run', ...args, '--set', 'algorithm.rounds=1', '--quiet'], { STARLING_KERNELS: 'js' });
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
    expect(r.code).toBe(2);
  });
});
