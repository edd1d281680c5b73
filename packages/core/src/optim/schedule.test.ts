import { describe, expect, it } from 'vitest';
import { makeSchedule, type ScheduleSpec } from './schedule-kinds.js';

const TS = [0, 1, 2, 5, 9, 10, 11, 37, 100];

/** Closed forms evaluated independently of the implementation, base lr 0.2. */
const cases: [string, ScheduleSpec, (t: number) => number][] = [
  ['constant', { kind: 'constant' }, () => 0.2],
  ['step', { kind: 'step', stepSize: 10, gamma: 0.5 }, (t) => 0.2 * 0.5 ** Math.floor(t / 10)],
  ['step (default gamma 0.1)', { kind: 'step', stepSize: 3 }, (t) => 0.2 * 0.1 ** Math.floor(t / 3)],
  ['exponential', { kind: 'exponential', gamma: 0.9 }, (t) => 0.2 * Math.exp(t * Math.log(0.9))],
  [
    'cosine',
    { kind: 'cosine', totalSteps: 10, minLr: 0.02 },
    (t) => (t >= 10 ? 0.02 : 0.02 + 0.09 * (1 + Math.cos((Math.PI * t) / 10))),
  ],
  ['inverse_sqrt', { kind: 'inverse_sqrt' }, (t) => 0.2 / Math.sqrt(t + 1)],
  ['inverse_sqrt timescale 4', { kind: 'inverse_sqrt', timescale: 4 }, (t) => 0.4 / Math.sqrt(t + 4)],
];

describe('makeSchedule', () => {
  it.each(cases)('%s matches its closed form', (_name, spec, closed) => {
    const lr = makeSchedule(spec, 0.2);
    for (const t of TS) expect(lr(t)).toBeCloseTo(closed(t), 12);
  });

  it('cosine passes through the midpoint at totalSteps/2 and ends at minLr', () => {
    const lr = makeSchedule({ kind: 'cosine', totalSteps: 8 }, 1);
    expect(lr(0)).toBe(1);
    expect(lr(4)).toBeCloseTo(0.5, 12);
    expect(lr(8)).toBeCloseTo(0, 12);
    expect(lr(20)).toBeCloseTo(0, 12);
  });

  it('linear warm-up rises from startFactor·lr to lr, then hands over to the wrapped schedule', () => {
    const plain = makeSchedule({ kind: 'warmup', warmupSteps: 4 }, 0.8);
    const want = [0, 0.2, 0.4, 0.6, 0.8, 0.8];
    [0, 1, 2, 3, 4, 50].forEach((t, i) => {
      expect(plain(t)).toBeCloseTo(want[i], 12);
    });
    const wrapped = makeSchedule(
      { kind: 'warmup', warmupSteps: 5, startFactor: 0.5, after: { kind: 'exponential', gamma: 0.5 } },
      1,
    );
    expect(wrapped(0)).toBe(0.5);
    expect(wrapped(1)).toBeCloseTo(0.6, 12);
    expect(wrapped(4)).toBeCloseTo(0.9, 12);
    expect(wrapped(5)).toBe(1);
    expect(wrapped(7)).toBe(0.25);
  });

  it('cyclic triangular goes base → maxLr → base with period 2·stepSize (Smith 2017)', () => {
    const lr = makeSchedule({ kind: 'cyclic', maxLr: 0.5, stepSize: 4 }, 0.1);
    // A triangle wave written directly: distance into the current period, folded at stepSize.
    const tri = (t: number) => {
      const phase = t % 8;
      const up = phase <= 4 ? phase : 8 - phase;
      return 0.1 + (0.4 * up) / 4;
    };
    for (let t = 0; t <= 24; t++) expect(lr(t)).toBeCloseTo(tri(t), 12);
    expect(lr(4)).toBeCloseTo(0.5, 12);
    expect(lr(8)).toBeCloseTo(0.1, 12);
  });

  it('rejects bad schedule options with the option path', () => {
    expect(() => makeSchedule({ kind: 'step', stepSize: 0 }, 0.1)).toThrow(
      'optimizer.schedule.stepSize must be >= 1, got 0',
    );
    expect(() => makeSchedule({ kind: 'exponential', gamma: 1.5 }, 0.1)).toThrow(
      'optimizer.schedule.gamma must be <= 1, got 1.5',
    );
    expect(() => makeSchedule({ kind: 'cosine', totalSteps: 10, minLr: 0.5 }, 0.1)).toThrow(
      'optimizer.schedule.minLr must be at most optimizer.lr (0.1), got 0.5',
    );
    expect(() => makeSchedule({ kind: 'cyclic', maxLr: 0.05, stepSize: 2 }, 0.1)).toThrow(
      'optimizer.schedule.maxLr must be at least optimizer.lr (0.1), got 0.05',
    );
    expect(() => makeSchedule({ kind: 'warmup', warmupSteps: 3, after: { kind: 'step', stepSize: -2 } }, 0.1)).toThrow(
      'optimizer.schedule.after.stepSize must be >= 1, got -2',
    );
    expect(() => makeSchedule({ kind: 'linear' } as unknown as ScheduleSpec, 0.1)).toThrow(
      'optimizer.schedule.kind must be one of constant, step, exponential, cosine, warmup, cyclic, inverse_sqrt, got "linear"',
    );
    expect(() => makeSchedule({ kind: 'cosine', totalSteps: 5, steps: 3 } as unknown as ScheduleSpec, 0.1)).toThrow(
      'optimizer.schedule.steps must be absent (the cosine schedule takes kind, totalSteps, minLr), got 3',
    );
  });
});
