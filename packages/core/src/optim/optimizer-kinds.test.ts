import { describe, expect, it } from 'vitest';
import { OPTIMIZER_KINDS, optimizerSchema, optimizers } from './optimizer-kinds.js';
import { resolveOptimizerSpec } from './optimizer-spec.js';
import { scheduleTable } from './schedule.js';
import { SCHEDULE_KINDS, scheduleSchema } from './schedule-kinds.js';

// What the hand-written resolver (and the CLI schema) filled in before the tables: PyTorch 2.x defaults,
// except momentum 0.9 and adamw's weight decay 0.01 (docs/config.md). `lr` is given where it is required.
const optimizerDefaults: Record<string, [Record<string, unknown>, Record<string, unknown>]> = {
  sgd: [{ lr: 0.5 }, { lr: 0.5, weightDecay: 0 }],
  momentum: [{ lr: 0.5 }, { lr: 0.5, weightDecay: 0, momentum: 0.9 }],
  nesterov: [{ lr: 0.5 }, { lr: 0.5, weightDecay: 0, momentum: 0.9 }],
  adagrad: [{}, { lr: 0.01, weightDecay: 0, eps: 1e-10 }],
  rmsprop: [{}, { lr: 0.01, weightDecay: 0, rho: 0.99, eps: 1e-8 }],
  adadelta: [{}, { lr: 1, weightDecay: 0, rho: 0.9, eps: 1e-6 }],
  adam: [{}, { lr: 0.001, weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8 }],
  adamw: [{}, { lr: 0.001, weightDecay: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 }],
};

const scheduleDefaults: Record<string, [Record<string, unknown>, Record<string, unknown>]> = {
  constant: [{}, {}],
  step: [{ stepSize: 3 }, { stepSize: 3, gamma: 0.1 }],
  exponential: [{ gamma: 0.5 }, { gamma: 0.5 }],
  cosine: [{ totalSteps: 9 }, { totalSteps: 9, minLr: 0 }],
  warmup: [{ warmupSteps: 4 }, { warmupSteps: 4, startFactor: 0, after: { kind: 'constant' } }],
  cyclic: [
    { maxLr: 2, stepSize: 5 },
    { maxLr: 2, stepSize: 5 },
  ],
  inverse_sqrt: [{}, { timescale: 1 }],
};

describe('the optimizer and schedule tables', () => {
  it('hold every built-in kind once, in documentation order', () => {
    expect(optimizers.kinds()).toEqual([...OPTIMIZER_KINDS]);
    expect(Object.keys(optimizerDefaults)).toEqual(optimizers.kinds());
    expect(scheduleTable.kinds()).toEqual([...SCHEDULE_KINDS]);
    expect(Object.keys(scheduleDefaults)).toEqual(scheduleTable.kinds());
  });

  it.each(Object.entries(optimizerDefaults))(
    '%s: schema defaults are the old resolved values',
    (kind, [given, want]) => {
      expect(optimizerSchema.parse({ kind, ...given })).toEqual({ kind, ...want });
      // …and reach the kernel's update rule unchanged (Adam's step count starts at 1).
      const step = resolveOptimizerSpec({ kind, ...given } as Parameters<typeof resolveOptimizerSpec>[0]).step;
      expect(step).toEqual({ kind, ...want, ...(kind.startsWith('adam') ? { t: 1 } : {}) });
    },
  );

  it.each(Object.entries(scheduleDefaults))(
    '%s schedule: schema defaults are the old resolved values',
    (kind, [given, want]) => {
      expect(scheduleSchema.parse({ kind, ...given })).toEqual({ kind, ...want });
    },
  );

  it('leave an absent schedule absent in the config and constant in the optimizer', () => {
    expect(optimizerSchema.parse({ kind: 'sgd', lr: 1 })).not.toHaveProperty('schedule');
    expect(resolveOptimizerSpec({ kind: 'sgd', lr: 1 }).schedule).toEqual({ kind: 'constant' });
  });
});
