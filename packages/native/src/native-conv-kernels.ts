import { type ConvKernels, errors } from '@starling/core';
import type { NativeBinding } from './binding.js';
import type { ConvAlgorithm } from './conv-algorithm.js';
import { inputSize, outputSize, packGeometry, weightSize } from './conv-geometry.js';
import type { GemmPrecision } from './gemm-precision.js';
import { checkDim, checkF32, checkNumber, overlaps } from './validate.js';

type View = Float32Array | Float64Array | Int32Array;

/** Rejects an output whose used entries share memory with any listed input's (sizes in entries). */
function disjoint(fn: string, out: string, x: View, nx: number, inputs: [string, View, number][]): void {
  const units = (v: View, n: number) => (v instanceof Float64Array ? 2 * n : n);
  for (const [name, y, ny] of inputs) {
    if (overlaps(x, units(x, nx), y, units(y, ny)))
      throw errors.shape(`${fn}: ${out}`, `memory disjoint from ${name}`, 'an overlap');
  }
}

function checkTyped(fn: string, name: string, v: unknown, type: 'Int32Array' | 'Float64Array', need: number): void {
  const ok = type === 'Int32Array' ? v instanceof Int32Array : v instanceof Float64Array;
  if (!ok) throw errors.shape(`${fn}: ${name}`, `an ${type}`, typeof v);
  const length = (v as Int32Array | Float64Array).length;
  if (length < need) throw errors.shape(`${fn}: ${name}.length`, `at least ${need}`, length);
}

function checkGroupNorm(fn: string, batch: number, channels: number, spatial: number, groups: number): number {
  checkDim(fn, 'batch', batch);
  checkDim(fn, 'channels', channels);
  checkDim(fn, 'spatial', spatial);
  checkDim(fn, 'groups', groups);
  if (groups < 1 || channels % groups !== 0) {
    throw errors.shape(`${fn}: groups`, `a divisor of channels = ${channels}`, groups);
  }
  const all = batch * channels * spatial;
  if (all >= 2 ** 31) throw errors.shape(`${fn}: batch·channels·spatial`, 'below 2^31', all);
  return all;
}

/**
 * `ConvKernels` over the native binding (cpp/conv-methods.cc; im2col and the level's GEMM, see
 * cpp/impl/conv.inc). Every argument is checked with an error naming the kernel and the argument
 * (geometry fields, array types and lengths, outputs sharing memory with inputs, argmax indices), then
 * C++ runs at the instance's SIMD level. Sums are reordered by the GEMM blocking, so results match the
 * float64 brute force of native-conv-kernels.test.ts within the tolerances stated there, not bit for bit.
 * `precision: 'bf16'` makes the convolutions' forward and backward GEMMs round their operands to bfloat16
 * with float32 accumulation (see {@link GemmPrecision}); the ghost-clipping norms stay FP32.
 * `algorithm` picks Winograd for 5×5 stride-1 layers (`auto`, by shape) or never (`direct`); see
 * {@link ConvAlgorithm}.
 */
export function nativeConvKernels(
  binding: NativeBinding,
  precision: GemmPrecision = 'fp32',
  algorithm: ConvAlgorithm = 'auto',
): ConvKernels {
  if (algorithm !== 'auto' && algorithm !== 'direct') {
    throw errors.shape('nativeConvKernels: algorithm', 'auto or direct', String(algorithm));
  }
  const geometry = new Int32Array(13);
  const bf16 = precision === 'bf16';
  const direct = algorithm === 'direct';
  return {
    backend: 'native',

    conv2dForward(g, x, w, b, y) {
      const fn = 'conv2dForward';
      packGeometry(fn, g, false, geometry);
      const [nx, ny, nw] = [inputSize(g), outputSize(g), weightSize(g)];
      checkF32(fn, 'x', x, nx, 'N·C·H·W');
      checkF32(fn, 'w', w, nw, 'K·C·kh·kw');
      checkF32(fn, 'b', b, g.outChannels, 'K');
      checkF32(fn, 'y', y, ny, 'N·K·OH·OW');
      disjoint(fn, 'y', y, ny, [
        ['x', x, nx],
        ['w', w, nw],
        ['b', b, g.outChannels],
      ]);
      binding.conv2dForward(geometry, x, w, b, y, bf16, direct);
    },

    conv2dBackward(g, x, w, dy, dw, db, dx) {
      const fn = 'conv2dBackward';
      packGeometry(fn, g, false, geometry);
      const [nx, ny, nw, k] = [inputSize(g), outputSize(g), weightSize(g), g.outChannels];
      checkF32(fn, 'x', x, nx, 'N·C·H·W');
      checkF32(fn, 'w', w, nw, 'K·C·kh·kw');
      checkF32(fn, 'dy', dy, ny, 'N·K·OH·OW');
      checkF32(fn, 'dw', dw, nw, 'K·C·kh·kw');
      checkF32(fn, 'db', db, k, 'K');
      const inputs: [string, View, number][] = [
        ['x', x, nx],
        ['w', w, nw],
        ['dy', dy, ny],
      ];
      disjoint(fn, 'dw', dw, nw, [...inputs, ['db', db, k]]);
      disjoint(fn, 'db', db, k, inputs);
      if (dx !== null) {
        checkF32(fn, 'dx', dx, nx, 'N·C·H·W');
        disjoint(fn, 'dx', dx, nx, [...inputs, ['dw', dw, nw], ['db', db, k]]);
      }
      binding.conv2dBackward(geometry, x, w, dy, dw, db, dx, bf16, direct);
    },

    conv2dGradSqNorms(g, x, dy, out) {
      const fn = 'conv2dGradSqNorms';
      packGeometry(fn, g, false, geometry);
      checkF32(fn, 'x', x, inputSize(g), 'N·C·H·W');
      checkF32(fn, 'dy', dy, outputSize(g), 'N·K·OH·OW');
      checkTyped(fn, 'out', out, 'Float64Array', g.batch);
      disjoint(fn, 'out', out, g.batch, [
        ['x', x, inputSize(g)],
        ['dy', dy, outputSize(g)],
      ]);
      binding.conv2dGradSqNorms(geometry, x, dy, out);
    },

    maxPool2dForward(g, x, y, argmax) {
      const fn = 'maxPool2dForward';
      packGeometry(fn, g, true, geometry);
      const [nx, ny] = [inputSize(g), outputSize(g)];
      checkF32(fn, 'x', x, nx, 'N·C·H·W');
      checkF32(fn, 'y', y, ny, 'N·C·OH·OW');
      checkTyped(fn, 'argmax', argmax, 'Int32Array', ny);
      disjoint(fn, 'y', y, ny, [['x', x, nx]]);
      disjoint(fn, 'argmax', argmax, ny, [
        ['x', x, nx],
        ['y', y, ny],
      ]);
      binding.maxPool2dForward(geometry, x, y, argmax);
    },

    maxPool2dBackward(g, dy, argmax, dx) {
      const fn = 'maxPool2dBackward';
      packGeometry(fn, g, true, geometry);
      const [nx, ny] = [inputSize(g), outputSize(g)];
      checkF32(fn, 'dy', dy, ny, 'N·C·OH·OW');
      checkTyped(fn, 'argmax', argmax, 'Int32Array', ny);
      checkF32(fn, 'dx', dx, nx, 'N·C·H·W');
      disjoint(fn, 'dx', dx, nx, [
        ['dy', dy, ny],
        ['argmax', argmax, ny],
      ]);
      try {
        binding.maxPool2dBackward(geometry, dy, argmax, dx); // C++ checks every index first
      } catch (e) {
        const t = argmax.subarray(0, ny).findIndex((i) => !(i >= 0 && i < nx));
        if (t < 0) throw e;
        throw errors.shape(`${fn}: argmax[${t}]`, `an index into dx in [0, ${nx})`, argmax[t]);
      }
    },

    avgPool2dForward(g, x, y) {
      const fn = 'avgPool2dForward';
      packGeometry(fn, g, true, geometry);
      checkF32(fn, 'x', x, inputSize(g), 'N·C·H·W');
      checkF32(fn, 'y', y, outputSize(g), 'N·C·OH·OW');
      disjoint(fn, 'y', y, outputSize(g), [['x', x, inputSize(g)]]);
      binding.avgPool2dForward(geometry, x, y);
    },

    avgPool2dBackward(g, dy, dx) {
      const fn = 'avgPool2dBackward';
      packGeometry(fn, g, true, geometry);
      checkF32(fn, 'dy', dy, outputSize(g), 'N·C·OH·OW');
      checkF32(fn, 'dx', dx, inputSize(g), 'N·C·H·W');
      disjoint(fn, 'dx', dx, inputSize(g), [['dy', dy, outputSize(g)]]);
      binding.avgPool2dBackward(geometry, dy, dx);
    },

    groupNormForward(batch, channels, spatial, groups, eps, x, gamma, beta, y, mean, rstd) {
      const fn = 'groupNormForward';
      const all = checkGroupNorm(fn, batch, channels, spatial, groups);
      checkNumber(fn, 'eps', eps);
      if (!(eps >= 0)) throw errors.shape(`${fn}: eps`, 'a number ≥ 0', eps);
      const stats = batch * groups;
      checkF32(fn, 'x', x, all, 'batch·channels·spatial');
      checkF32(fn, 'gamma', gamma, channels, 'channels');
      checkF32(fn, 'beta', beta, channels, 'channels');
      checkF32(fn, 'y', y, all, 'batch·channels·spatial');
      checkF32(fn, 'mean', mean, stats, 'batch·groups');
      checkF32(fn, 'rstd', rstd, stats, 'batch·groups');
      const inputs: [string, View, number][] = [
        ['x', x, all],
        ['gamma', gamma, channels],
        ['beta', beta, channels],
      ];
      disjoint(fn, 'y', y, all, inputs);
      disjoint(fn, 'mean', mean, stats, [...inputs, ['y', y, all]]);
      disjoint(fn, 'rstd', rstd, stats, [...inputs, ['y', y, all], ['mean', mean, stats]]);
      binding.groupNormForward(batch, channels, spatial, groups, eps, x, gamma, beta, y, mean, rstd);
    },

    groupNormBackward(batch, channels, spatial, groups, x, gamma, mean, rstd, dy, dx, dgamma, dbeta) {
      const fn = 'groupNormBackward';
      const all = checkGroupNorm(fn, batch, channels, spatial, groups);
      const stats = batch * groups;
      checkF32(fn, 'x', x, all, 'batch·channels·spatial');
      checkF32(fn, 'gamma', gamma, channels, 'channels');
      checkF32(fn, 'mean', mean, stats, 'batch·groups');
      checkF32(fn, 'rstd', rstd, stats, 'batch·groups');
      checkF32(fn, 'dy', dy, all, 'batch·channels·spatial');
      checkF32(fn, 'dx', dx, all, 'batch·channels·spatial');
      checkF32(fn, 'dgamma', dgamma, channels, 'channels');
      checkF32(fn, 'dbeta', dbeta, channels, 'channels');
      const inputs: [string, View, number][] = [
        ['x', x, all],
        ['gamma', gamma, channels],
        ['mean', mean, stats],
        ['rstd', rstd, stats],
        ['dy', dy, all],
      ];
      disjoint(fn, 'dx', dx, all, inputs);
      disjoint(fn, 'dgamma', dgamma, channels, [...inputs, ['dx', dx, all]]);
      disjoint(fn, 'dbeta', dbeta, channels, [...inputs, ['dx', dx, all], ['dgamma', dgamma, channels]]);
      binding.groupNormBackward(batch, channels, spatial, groups, x, gamma, mean, rstd, dy, dx, dgamma, dbeta);
    },
  };
}
