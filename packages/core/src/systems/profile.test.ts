import { describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng.js';
import { drawProfiles, type SystemsSpec } from './profile.js';
import { parseTrace } from './trace.js';

const spec: SystemsSpec = {
  compute: { per: 'example', seconds: { kind: 'lognormal', median: 0.01, sigma: 1 } },
  network: {
    uplinkBps: { kind: 'pareto', scale: 1e6, shape: 1.5 },
    downlinkBps: { kind: 'constant', value: 1e7 },
    latencyS: { kind: 'constant', value: 0.05 },
  },
  availability: { kind: 'always' },
  localWork: {
    kind: 'epochs',
    epochs: {
      kind: 'tiers',
      tiers: [
        { value: 1, p: 0.5 },
        { value: 3, p: 0.5 },
      ],
    },
  },
  deadlineS: null,
  trace: null,
};
const rng = () => Rng.fromSeed(11).fork('systems');
const plain = (p: ReturnType<typeof drawProfiles>[number]) => ({ ...p, availability: undefined });

describe('client profiles', () => {
  it("a client's profile does not depend on how many clients there are or on other quantities' distributions", () => {
    const few = drawProfiles(spec, 5, rng());
    const many = drawProfiles(spec, 500, rng());
    expect(many.slice(0, 5).map(plain)).toEqual(few.map(plain));
    const otherUplinks = drawProfiles(
      { ...spec, network: { ...spec.network!, uplinkBps: { kind: 'constant', value: 1 } } },
      5,
      rng(),
    );
    expect(otherUplinks.map((p) => p.compute)).toEqual(few.map((p) => p.compute));
    expect(new Set(many.map((p) => p.localEpochs))).toEqual(new Set([1, 3]));
  });

  it('trace rows override the draws; a missing row is an error naming the file; cycle and sample reuse rows', () => {
    const rows = parseTrace('client,secondsPerStep,uplinkBps\n0,0.3,5e5\n1,0.7,\n', 'two.csv');
    const traced = { ...spec, trace: { file: 'two.csv', assign: 'byId' as const } };
    const [a, b] = drawProfiles(traced, 2, rng(), rows);
    const drawn = drawProfiles(spec, 2, rng());
    expect(a.compute).toEqual({ per: 'step', seconds: 0.3 });
    expect(a.uplinkBps).toBe(5e5);
    expect(b.compute).toEqual({ per: 'step', seconds: 0.7 });
    expect(b.uplinkBps).toBe(drawn[1].uplinkBps); // not in the row: drawn as without a trace
    expect(() => drawProfiles(traced, 3, rng(), rows)).toThrow(/two\.csv: no row for client 2/);
    const cycled = drawProfiles({ ...spec, trace: { file: 'two.csv', assign: 'cycle' } }, 4, rng(), rows);
    expect(cycled[3].compute.seconds).toBe(0.7);
    const sampled = drawProfiles({ ...spec, trace: { file: 'two.csv', assign: 'sample' } }, 40, rng(), rows);
    expect(new Set(sampled.map((p) => p.compute.seconds))).toEqual(new Set([0.3, 0.7]));
  });

  it('without network: links are free and instant', () => {
    const [p] = drawProfiles({ ...spec, network: null }, 1, rng());
    expect(p.uplinkBps).toBe(Number.POSITIVE_INFINITY);
    expect(p.latencyS).toBe(0);
  });
});
