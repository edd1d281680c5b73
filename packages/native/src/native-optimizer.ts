import { errors, OPTIMIZER_STATE_SLOTS, type OptimizerStep } from '@starling/core';
import type { NativeBinding } from './binding.js';
import { checkDisjoint, checkF32, checkNumber } from './validate.js';

/** The binding's optimizer numbering (`kind` of NativeBinding.optimizerStep). */
const OPTIMIZER_INDEX: Record<OptimizerStep['kind'], number> = {
  sgd: 0,
  momentum: 1,
  nesterov: 2,
  adagrad: 3,
  rmsprop: 4,
  adadelta: 5,
  adam: 6,
  adamw: 7,
};

/**
 * Validates one optimizer update (kind, state slots, lengths, no shared memory between params, grad
 * and state) and runs it natively as a single pass; formulas in `OptimizerStep` of `@starling/core`.
 */
export function nativeOptimizerStep(
  binding: NativeBinding,
  step: OptimizerStep,
  params: Float32Array,
  grad: Float32Array,
  state: readonly Float32Array[],
): void {
  const fn = 'optimizerStep';
  const kind = OPTIMIZER_INDEX[step.kind];
  if (kind === undefined) throw errors.shape(`${fn}: step.kind`, Object.keys(OPTIMIZER_INDEX).join(', '), step.kind);
  checkF32(fn, 'params', params, 0, '0');
  const n = params.length;
  checkF32(fn, 'grad', grad, n, 'params.length', true);
  const slots = OPTIMIZER_STATE_SLOTS[step.kind];
  if (state.length !== slots) throw errors.shape(`${fn}: state.length for ${step.kind}`, slots, state.length);
  const arrays: [string, Float32Array][] = [
    ['params', params],
    ['grad', grad],
  ];
  state.forEach((s, i) => {
    checkF32(fn, `state[${i}]`, s, n, 'params.length', true);
    arrays.push([`state[${i}]`, s]);
  });
  for (let i = 0; i < arrays.length; i++) {
    for (let j = i + 1; j < arrays.length; j++) {
      checkDisjoint(fn, arrays[j][0], arrays[j][1], n, arrays[i][0], arrays[i][1], n);
    }
  }
  checkNumber(fn, 'step.lr', step.lr);
  checkNumber(fn, 'step.weightDecay', step.weightDecay);
  const { lr, weightDecay: wd } = step;
  switch (step.kind) {
    case 'sgd':
      binding.optimizerStep(kind, lr, wd, 0, 0, 0, 0, 0, 0, 0, params, grad);
      return;
    case 'momentum':
    case 'nesterov':
      checkNumber(fn, 'step.momentum', step.momentum);
      binding.optimizerStep(kind, lr, wd, step.momentum, 0, 0, 0, 0, 0, 0, params, grad, state[0]);
      return;
    case 'adagrad':
      checkNumber(fn, 'step.eps', step.eps);
      binding.optimizerStep(kind, lr, wd, step.eps, 0, 0, 0, 0, 0, 0, params, grad, state[0]);
      return;
    case 'rmsprop':
    case 'adadelta': {
      const { rho, eps } = step;
      checkNumber(fn, 'step.rho', rho);
      checkNumber(fn, 'step.eps', eps);
      binding.optimizerStep(kind, lr, wd, rho, 1 - rho, eps, 0, 0, 0, 0, params, grad, state[0], state[1]);
      return;
    }
    case 'adam':
    case 'adamw': {
      const { beta1: b1, beta2: b2, eps, t } = step;
      if (!Number.isInteger(t) || t < 1) throw errors.shape(`${fn}: step.t`, 'an integer ≥ 1', String(t));
      checkNumber(fn, 'step.beta1', b1);
      checkNumber(fn, 'step.beta2', b2);
      checkNumber(fn, 'step.eps', eps);
      const ic1 = 1 / (1 - b1 ** t);
      const ic2 = 1 / (1 - b2 ** t);
      binding.optimizerStep(kind, lr, wd, b1, 1 - b1, b2, 1 - b2, eps, ic1, ic2, params, grad, state[0], state[1]);
      return;
    }
  }
}
