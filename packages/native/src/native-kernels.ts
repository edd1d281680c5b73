import { ACTIVATIONS, type Activation, errors, type Kernels } from '@starling/core';
import type { NativeBinding } from './binding.js';
import type { ConvAlgorithm } from './conv-algorithm.js';
import type { GemmPrecision } from './gemm-precision.js';
import { nativeCompressKernels } from './native-compress-kernels.js';
import { nativeConvKernels } from './native-conv-kernels.js';
import { nativeOptimizerStep } from './native-optimizer.js';
import { nativeRobustKernels } from './native-robust-kernels.js';
import { checkDim, checkDisjoint, checkF32, checkNumber, checkSameOrDisjoint } from './validate.js';

function activationIndex(fn: string, act: Activation): number {
  const i = ACTIVATIONS.indexOf(act);
  if (i < 0) throw errors.shape(`${fn}: act`, `one of ${ACTIVATIONS.join(', ')}`, String(act));
  return i;
}

/** Options of {@link nativeKernels}. */
export interface NativeKernelsOptions {
  /** GEMM precision for dense layers and convolutions (default fp32); see {@link GemmPrecision}. */
  readonly precision?: GemmPrecision;
  /** The 5×5 convolutions' algorithm (default auto: Winograd where it applies); see {@link ConvAlgorithm}. */
  readonly convAlgorithm?: ConvAlgorithm;
}

/**
 * The `Kernels` interface over the native binding: checks every argument (types, dimensions,
 * lengths, forbidden aliasing) with an error naming the argument, then calls C++. Results match
 * `jsKernels` within float32 rounding; see docs/native.md for the tolerances.
 */
export function nativeKernels(binding: NativeBinding, options: NativeKernelsOptions = {}): Kernels {
  const precision = options.precision ?? 'fp32';
  if (precision !== 'fp32' && precision !== 'bf16') {
    throw errors.shape('nativeKernels: options.precision', 'fp32 or bf16', String(precision));
  }
  const bf16 = precision === 'bf16';
  const convAlgorithm = options.convAlgorithm ?? 'auto';
  let variant: Kernels | undefined; // the other precision's kernels, made on first use
  return {
    backend: 'native',

    atPrecision(p) {
      if (p === precision) return this;
      variant ??= nativeKernels(binding, { precision: p, convAlgorithm });
      return variant;
    },

    gemm(transA, transB, m, n, k, alpha, a, b, beta, c) {
      checkDim('gemm', 'm', m);
      checkDim('gemm', 'n', n);
      checkDim('gemm', 'k', k);
      checkNumber('gemm', 'alpha', alpha);
      checkNumber('gemm', 'beta', beta);
      checkF32('gemm', 'a', a, m * k, 'm·k');
      checkF32('gemm', 'b', b, k * n, 'k·n');
      checkF32('gemm', 'c', c, m * n, 'm·n');
      checkDisjoint('gemm', 'c', c, m * n, 'a', a, m * k);
      checkDisjoint('gemm', 'c', c, m * n, 'b', b, k * n);
      binding.gemm(transA === true, transB === true, m, n, k, alpha, a, b, beta, c, bf16);
    },

    axpy(alpha, x, y) {
      checkNumber('axpy', 'alpha', alpha);
      checkF32('axpy', 'x', x, 0, '0');
      checkF32('axpy', 'y', y, x.length, 'x.length', true);
      checkSameOrDisjoint('axpy', 'y', y, 'x', x);
      binding.axpy(alpha, x, y);
    },

    scale(alpha, x) {
      checkNumber('scale', 'alpha', alpha);
      checkF32('scale', 'x', x, 0, '0');
      binding.scale(alpha, x);
    },

    sub(a, b, out) {
      checkF32('sub', 'a', a, 0, '0');
      checkF32('sub', 'b', b, a.length, 'a.length', true);
      checkF32('sub', 'out', out, a.length, 'a.length', true);
      checkSameOrDisjoint('sub', 'out', out, 'a', a);
      checkSameOrDisjoint('sub', 'out', out, 'b', b);
      binding.sub(a, b, out);
    },

    dot(x, y) {
      checkF32('dot', 'x', x, 0, '0');
      checkF32('dot', 'y', y, x.length, 'x.length', true);
      return binding.dot(x, y);
    },

    sumSquares(x) {
      checkF32('sumSquares', 'x', x, 0, '0');
      return binding.sumSquares(x);
    },

    sumAbs(x) {
      checkF32('sumAbs', 'x', x, 0, '0');
      return binding.sumAbs(x);
    },

    biasActivation(act, rows, cols, z, bias, a) {
      const code = activationIndex('biasActivation', act);
      checkDim('biasActivation', 'rows', rows);
      checkDim('biasActivation', 'cols', cols);
      checkF32('biasActivation', 'z', z, rows * cols, 'rows·cols');
      checkF32('biasActivation', 'bias', bias, cols, 'cols');
      checkF32('biasActivation', 'a', a, rows * cols, 'rows·cols');
      checkDisjoint('biasActivation', 'z', z, rows * cols, 'bias', bias, cols);
      checkDisjoint('biasActivation', 'a', a, rows * cols, 'bias', bias, cols);
      if (!(act === 'identity' && a.buffer === z.buffer && a.byteOffset === z.byteOffset)) {
        checkDisjoint('biasActivation', 'a', a, rows * cols, 'z (allowed only for identity)', z, rows * cols);
      }
      binding.biasActivation(code, rows, cols, z, bias, a);
    },

    activationBackward(act, z, a, gradOut, gradIn) {
      const code = activationIndex('activationBackward', act);
      checkF32('activationBackward', 'z', z, 0, '0');
      const n = z.length;
      checkF32('activationBackward', 'a', a, n, 'z.length', true);
      checkF32('activationBackward', 'gradOut', gradOut, n, 'z.length', true);
      checkF32('activationBackward', 'gradIn', gradIn, n, 'z.length', true);
      checkSameOrDisjoint('activationBackward', 'gradIn', gradIn, 'gradOut', gradOut);
      checkDisjoint('activationBackward', 'gradIn', gradIn, n, 'z', z, n);
      checkDisjoint('activationBackward', 'gradIn', gradIn, n, 'a', a, n);
      binding.activationBackward(code, z, a, gradOut, gradIn);
    },

    columnSums(rows, cols, x, out) {
      checkDim('columnSums', 'rows', rows);
      checkDim('columnSums', 'cols', cols);
      checkF32('columnSums', 'x', x, rows * cols, 'rows·cols');
      checkF32('columnSums', 'out', out, cols, 'cols', true);
      checkDisjoint('columnSums', 'out', out, cols, 'x', x, rows * cols);
      binding.columnSums(rows, cols, x, out);
    },

    softmaxCrossEntropy(rows, cols, logits, labels, gradScale, grad, rowLoss) {
      const fn = 'softmaxCrossEntropy';
      checkDim(fn, 'rows', rows);
      checkDim(fn, 'cols', cols);
      if (rows > 0 && cols === 0) throw errors.shape(`${fn}: cols`, 'at least 1 when rows > 0', 0);
      checkNumber(fn, 'gradScale', gradScale);
      checkF32(fn, 'logits', logits, rows * cols, 'rows·cols');
      checkF32(fn, 'grad', grad, rows * cols, 'rows·cols');
      if (!(labels instanceof Int32Array)) throw errors.shape(`${fn}: labels`, 'an Int32Array', typeof labels);
      if (labels.length < rows) throw errors.shape(`${fn}: labels.length`, `at least rows = ${rows}`, labels.length);
      for (let r = 0; r < rows; r++) {
        const y = labels[r];
        if (y < 0 || y >= cols) throw errors.shape(`${fn}: labels[${r}]`, `a class in [0, ${cols})`, y);
      }
      if (!(grad.buffer === logits.buffer && grad.byteOffset === logits.byteOffset)) {
        checkDisjoint(fn, 'grad', grad, rows * cols, 'logits (or be the same array)', logits, rows * cols);
      }
      if (rowLoss !== undefined) {
        checkF32(fn, 'rowLoss', rowLoss, rows, 'rows');
        checkDisjoint(fn, 'rowLoss', rowLoss, rows, 'logits', logits, rows * cols);
        checkDisjoint(fn, 'rowLoss', rowLoss, rows, 'grad', grad, rows * cols);
      }
      return binding.softmaxCrossEntropy(rows, cols, logits, labels, gradScale, grad, rowLoss);
    },

    rowSumSquares(rows, cols, x, out) {
      checkDim('rowSumSquares', 'rows', rows);
      checkDim('rowSumSquares', 'cols', cols);
      checkF32('rowSumSquares', 'x', x, rows * cols, 'rows·cols');
      checkF32('rowSumSquares', 'out', out, rows, 'rows');
      checkDisjoint('rowSumSquares', 'out', out, rows, 'x', x, rows * cols);
      binding.rowSumSquares(rows, cols, x, out);
    },

    scaleRows(rows, cols, x, scales) {
      checkDim('scaleRows', 'rows', rows);
      checkDim('scaleRows', 'cols', cols);
      checkF32('scaleRows', 'x', x, rows * cols, 'rows·cols');
      checkF32('scaleRows', 'scales', scales, rows, 'rows');
      checkDisjoint('scaleRows', 'x', x, rows * cols, 'scales', scales, rows);
      binding.scaleRows(rows, cols, x, scales);
    },

    weightedSum(weights, vectors, out) {
      const fn = 'weightedSum';
      checkF32(fn, 'out', out, 0, '0');
      if (!Array.isArray(vectors)) throw errors.shape(`${fn}: vectors`, 'an array of Float32Array', typeof vectors);
      if (weights.length !== vectors.length) {
        throw errors.shape(`${fn}: weights.length`, `vectors.length = ${vectors.length}`, weights.length);
      }
      const w = weights instanceof Float64Array ? weights : Float64Array.from(weights);
      for (let v = 0; v < vectors.length; v++) {
        checkF32(fn, `vectors[${v}]`, vectors[v], out.length, 'out.length', true);
        checkDisjoint(fn, 'out', out, out.length, `vectors[${v}]`, vectors[v], out.length);
      }
      binding.weightedSum(w, vectors, out);
    },

    accumulate(weight, x, acc) {
      checkNumber('accumulate', 'weight', weight);
      checkF32('accumulate', 'x', x, 0, '0');
      if (!(acc instanceof Float64Array)) throw errors.shape('accumulate: acc', 'a Float64Array', typeof acc);
      if (acc.length !== x.length) throw errors.shape('accumulate: acc.length', `x.length = ${x.length}`, acc.length);
      const [a0, x0] = [acc.byteOffset, x.byteOffset];
      if (acc.buffer === x.buffer && a0 < x0 + x.byteLength && x0 < a0 + acc.byteLength) {
        throw errors.shape('accumulate: acc', 'disjoint from x', 'overlapping');
      }
      binding.accumulate(weight, x, acc);
    },

    sgdInto(lr, l2, params, grad, out) {
      const fn = 'sgdInto';
      checkNumber(fn, 'lr', lr);
      checkNumber(fn, 'l2', l2);
      checkFusedVectors(fn, [
        ['params', params],
        ['grad', grad],
        ['out', out],
      ]);
      binding.sgdInto(lr, l2, params, grad, out);
    },

    sgdDelta(lr, l2, params, grad, base, delta) {
      checkSgdDelta('sgdDelta', lr, l2, params, grad, base, delta);
      return binding.sgdDelta(lr, l2, params, grad, base, delta);
    },

    sgdDeltaAcc(lr, l2, params, grad, base, delta, weight, acc) {
      checkSgdDelta('sgdDeltaAcc', lr, l2, params, grad, base, delta);
      checkNumber('sgdDeltaAcc', 'weight', weight);
      if (!(acc instanceof Float64Array)) throw errors.shape('sgdDeltaAcc: acc', 'a Float64Array', typeof acc);
      if (acc.length !== params.length) {
        throw errors.shape('sgdDeltaAcc: acc.length', `params.length = ${params.length}`, acc.length);
      }
      // overlaps() counts 4-byte entries: acc's n doubles are 2n of them.
      for (const [name, x] of [
        ['params', params],
        ['grad', grad],
        ['base', base],
        ['delta', delta],
      ] as const) {
        if (x !== null) checkDisjoint('sgdDeltaAcc', 'acc', acc, 2 * acc.length, name, x, x.length);
      }
      return binding.sgdDeltaAcc(lr, l2, params, grad, base, delta, weight, acc);
    },

    optimizerStep(step, params, grad, state) {
      nativeOptimizerStep(binding, step, params, grad, state);
    },

    compress: nativeCompressKernels(binding),

    robust: nativeRobustKernels(binding),

    conv: nativeConvKernels(binding, precision, convAlgorithm),
  };
}

/** The fused passes' vectors: Float32Arrays of the first one's length, pairwise disjoint. */
function checkFusedVectors(fn: string, arrays: readonly [string, Float32Array][]): void {
  const n = arrays[0][1]?.length ?? 0;
  for (const [i, [name, x]] of arrays.entries()) {
    checkF32(fn, name, x, i === 0 ? 0 : n, i === 0 ? '0' : `${arrays[0][0]}.length`, i > 0);
    for (let j = 0; j < i; j++) checkDisjoint(fn, name, x, n, arrays[j][0], arrays[j][1], n);
  }
}

/** The argument checks of the fused last step (`sgdDelta`, `sgdDeltaAcc`): lengths, numbers, overlaps. */
function checkSgdDelta(
  fn: string,
  lr: number,
  l2: number,
  params: Float32Array,
  grad: Float32Array,
  base: Float32Array,
  delta: Float32Array | null,
): void {
  checkNumber(fn, 'lr', lr);
  checkNumber(fn, 'l2', l2);
  // base may be params itself (a one-step round: x_local never leaves x_global); delta null: not written.
  checkFusedVectors(fn, [
    ['params', params],
    ['grad', grad],
    ...(delta === null ? [] : [['delta', delta] as [string, Float32Array]]),
  ]);
  checkF32(fn, 'base', base, params.length, 'params.length', true);
  checkSameOrDisjoint(fn, 'base', base, 'params', params);
  checkDisjoint(fn, 'base', base, base.length, 'grad', grad, grad.length);
  if (delta !== null) checkDisjoint(fn, 'delta', delta, delta.length, 'base', base, base.length);
}
