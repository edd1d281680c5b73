import type { Activation } from './kernels.js';

/** The scalar value of an activation at z. The reference for both backends. */
export function activate(act: Activation, z: number): number {
  switch (act) {
    case 'identity':
      return z;
    case 'relu':
      return z > 0 ? z : 0;
    case 'leaky_relu':
      return z > 0 ? z : 0.01 * z;
    case 'elu':
      return z > 0 ? z : Math.expm1(z);
    case 'tanh':
      return Math.tanh(z);
    case 'sigmoid':
      return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }
}

/** The derivative act'(z), given z and a = act(z). At z = 0, relu-like kinks take the left slope. */
export function activateDerivative(act: Activation, z: number, a: number): number {
  switch (act) {
    case 'identity':
      return 1;
    case 'relu':
      return z > 0 ? 1 : 0;
    case 'leaky_relu':
      return z > 0 ? 1 : 0.01;
    case 'elu':
      return z > 0 ? 1 : a + 1;
    case 'tanh':
      return 1 - a * a;
    case 'sigmoid':
      return a * (1 - a);
  }
}
