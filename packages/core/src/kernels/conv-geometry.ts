import { errors } from '../errors.js';
import type { Conv2dGeometry } from './conv-kernels.js';

/** The fields of a {@link Conv2dGeometry} a caller chooses; the output size follows from them. */
export type Conv2dShape = Omit<Conv2dGeometry, 'outHeight' | 'outWidth'>;

/**
 * Completes a convolution or pooling geometry with `outHeight = ⌊(H + 2·padH − kh)/strideH⌋ + 1` and the
 * same for the width, and checks the invariants of {@link Conv2dGeometry} (positive integers, paddings
 * in [0, kernel), the kernel fitting the padded input). Errors say what is wrong under `path`.
 */
export function conv2dGeometry(s: Conv2dShape, path = 'conv2d'): Conv2dGeometry {
  const positive = [
    'batch',
    'inChannels',
    'inHeight',
    'inWidth',
    'outChannels',
    'kernelH',
    'kernelW',
    'strideH',
    'strideW',
  ] as const;
  for (const key of positive) {
    if (!Number.isInteger(s[key]) || s[key] < 1) throw errors.option(`${path}.${key}`, 'a positive integer', s[key]);
  }
  if (!Number.isInteger(s.padH) || s.padH < 0 || s.padH >= s.kernelH) {
    throw errors.option(`${path}.padding`, `an integer in [0, ${s.kernelH})`, s.padH);
  }
  if (!Number.isInteger(s.padW) || s.padW < 0 || s.padW >= s.kernelW) {
    throw errors.option(`${path}.padding`, `an integer in [0, ${s.kernelW})`, s.padW);
  }
  const outHeight = Math.floor((s.inHeight + 2 * s.padH - s.kernelH) / s.strideH) + 1;
  const outWidth = Math.floor((s.inWidth + 2 * s.padW - s.kernelW) / s.strideW) + 1;
  if (s.inHeight + 2 * s.padH < s.kernelH || s.inWidth + 2 * s.padW < s.kernelW) {
    throw errors.option(
      `${path}.kernel`,
      `at most the padded input ${s.inHeight + 2 * s.padH}×${s.inWidth + 2 * s.padW}`,
      `${s.kernelH}×${s.kernelW}`,
    );
  }
  return { ...s, outHeight, outWidth };
}
