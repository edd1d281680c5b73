import { describe, expect, it } from 'vitest';
import { jsKernels } from '../kernels/js.js';
import { Optimizer } from './optimizer.js';
import { type OptimizerSpec, resolveOptimizerSpec } from './optimizer-spec.js';

const make = (spec: unknown) => () => new Optimizer(spec as OptimizerSpec, 4, jsKernels);

describe('optimizer options', () => {
  it('fills in the PyTorch defaults', () => {
    expect(resolveOptimizerSpec({ kind: 'momentum', lr: 0.1 }).step).toEqual({
      kind: 'momentum',
      lr: 0.1,
      weightDecay: 0,
      momentum: 0.9,
    });
    expect(resolveOptimizerSpec({ kind: 'adagrad' }).step).toEqual({
      kind: 'adagrad',
      lr: 0.01,
      weightDecay: 0,
      eps: 1e-10,
    });
    expect(resolveOptimizerSpec({ kind: 'rmsprop' }).step).toEqual({
      kind: 'rmsprop',
      lr: 0.01,
      weightDecay: 0,
      rho: 0.99,
      eps: 1e-8,
    });
    expect(resolveOptimizerSpec({ kind: 'adadelta' }).step).toEqual({
      kind: 'adadelta',
      lr: 1,
      weightDecay: 0,
      rho: 0.9,
      eps: 1e-6,
    });
    expect(resolveOptimizerSpec({ kind: 'adamw' }).step).toEqual({
      kind: 'adamw',
      lr: 0.001,
      weightDecay: 0.01,
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      t: 1,
    });
  });

  it.each([
    [{ kind: 'sgd', lr: -1 }, 'optimizer.lr must be > 0, got -1'],
    [{ kind: 'sgd', lr: 0 }, 'optimizer.lr must be > 0, got 0'],
    [{ kind: 'sgd' }, 'optimizer.lr is required (a number)'],
    [{ kind: 'adam', lr: Number.NaN }, 'optimizer.lr must be a number, got NaN'],
    [{ kind: 'sgd', lr: '0.1' }, 'optimizer.lr must be a number, got "0.1"'],
    [{ kind: 'sgd', lr: 0.1, weightDecay: -0.5 }, 'optimizer.weightDecay must be >= 0, got -0.5'],
    [{ kind: 'sgd', lr: 0.1, clipNorm: 0 }, 'optimizer.clipNorm must be > 0, got 0'],
    [{ kind: 'momentum', lr: 0.1, momentum: 1 }, 'optimizer.momentum must be < 1, got 1'],
    [{ kind: 'rmsprop', rho: -0.1 }, 'optimizer.rho must be >= 0, got -0.1'],
    [{ kind: 'adagrad', eps: 0 }, 'optimizer.eps must be > 0, got 0'],
    [{ kind: 'adam', beta2: 1 }, 'optimizer.beta2 must be < 1, got 1'],
    [
      { kind: 'sgdd', lr: 0.1 },
      'optimizer.kind must be one of sgd, momentum, nesterov, adagrad, rmsprop, adadelta, adam, adamw, got "sgdd"',
    ],
    [
      { kind: 'adam', betas: [0.9, 0.99] },
      'optimizer.betas must be absent (the adam optimizer takes kind, lr, weightDecay, clipNorm, schedule, beta1, beta2, eps), got [0.9,0.99]',
    ],
    [
      { kind: 'sgd', lr: 0.1, momentum: 0.9 },
      'optimizer.momentum must be absent (the sgd optimizer takes kind, lr, weightDecay, clipNorm, schedule), got 0.9',
    ],
    [
      { kind: 'sgd', lr: 0.1, schedule: { kind: 'cosine', totalSteps: 0 } },
      'optimizer.schedule.totalSteps must be >= 1, got 0',
    ],
  ])('rejects %j with "%s"', (spec, message) => {
    expect(make(spec)).toThrow(message);
    try {
      make(spec)();
    } catch (e) {
      expect((e as { code: string }).code).toBe('config');
    }
  });

  it('names a custom option path, e.g. for a server-side optimizer', () => {
    expect(() => resolveOptimizerSpec({ kind: 'sgd', lr: -1 }, 'server.optimizer')).toThrow(
      'server.optimizer.lr must be > 0, got -1',
    );
    expect(
      () =>
        new Optimizer({ kind: 'sgd', lr: 1, schedule: { kind: 'cosine', totalSteps: 4, minLr: 2 } }, 1, jsKernels, 'x'),
    ).toThrow('x.schedule.minLr must be at most x.lr (1), got 2');
  });
});
