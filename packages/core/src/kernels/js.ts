import { activate, activateDerivative } from './activations.js';
import type { Activation, Kernels, OptimizerStep } from './kernels.js';

/**
 * The TypeScript reference kernels: plain loops, accumulation in float64, no tricks. This file is the
 * specification the native backend is tested against.
 */
export const jsKernels: Kernels = {
  backend: 'js',

  gemm(transA, transB, m, n, k, alpha, a, b, beta, c) {
    const row = new Float64Array(n);
    for (let i = 0; i < m; i++) {
      row.fill(0);
      for (let p = 0; p < k; p++) {
        const aip = transA ? a[p * m + i] : a[i * k + p];
        if (aip === 0) continue;
        if (transB) {
          for (let j = 0; j < n; j++) row[j] += aip * b[j * k + p];
        } else {
          const off = p * n;
          for (let j = 0; j < n; j++) row[j] += aip * b[off + j];
        }
      }
      const off = i * n;
      if (beta === 0) {
        for (let j = 0; j < n; j++) c[off + j] = alpha * row[j];
      } else {
        for (let j = 0; j < n; j++) c[off + j] = alpha * row[j] + beta * c[off + j];
      }
    }
  },

  axpy(alpha, x, y) {
    for (let i = 0; i < x.length; i++) y[i] += alpha * x[i];
  },

  sub(a, b, out) {
    for (let i = 0; i < a.length; i++) out[i] = a[i] - b[i];
  },

  sgdInto(lr, l2, params, grad, out) {
    for (let i = 0; i < params.length; i++) out[i] = params[i] - lr * (grad[i] + l2 * params[i]);
  },

  sgdDelta(lr, l2, params, grad, base, delta) {
    let bad = -1;
    for (let i = 0; i < params.length; i++) {
      // Rounded to float32 first, as optimizerStep stores it, then one float32 subtraction.
      const d = Math.fround(Math.fround(params[i] - lr * (grad[i] + l2 * params[i])) - base[i]);
      delta[i] = d;
      if (bad < 0 && !Number.isFinite(d)) bad = i;
    }
    return bad;
  },

  sgdDeltaAcc(lr, l2, params, grad, base, delta, weight, acc) {
    let bad = -1;
    for (let i = 0; i < params.length; i++) {
      // sgdDelta's entry, then accumulate's (the float32 entry as stored, times the weight, in float64).
      const d = Math.fround(Math.fround(params[i] - lr * (grad[i] + l2 * params[i])) - base[i]);
      if (delta !== null) delta[i] = d;
      acc[i] += weight * d;
      if (bad < 0 && !Number.isFinite(d)) bad = i;
    }
    return bad;
  },

  scale(alpha, x) {
    for (let i = 0; i < x.length; i++) x[i] *= alpha;
  },

  dot(x, y) {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i] * y[i];
    return s;
  },

  sumSquares(x) {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i] * x[i];
    return s;
  },

  sumAbs(x) {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += Math.abs(x[i]);
    return s;
  },

  biasActivation(act: Activation, rows, cols, z, bias, a) {
    for (let r = 0; r < rows; r++) {
      const off = r * cols;
      for (let j = 0; j < cols; j++) {
        const v = z[off + j] + bias[j];
        z[off + j] = v;
        a[off + j] = activate(act, Math.fround(v));
      }
    }
  },

  activationBackward(act, z, a, gradOut, gradIn) {
    for (let i = 0; i < z.length; i++) gradIn[i] = gradOut[i] * activateDerivative(act, z[i], a[i]);
  },

  columnSums(rows, cols, x, out) {
    const acc = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      const off = r * cols;
      for (let j = 0; j < cols; j++) acc[j] += x[off + j];
    }
    out.set(acc);
  },

  softmaxCrossEntropy(rows, cols, logits, labels, gradScale, grad, rowLoss) {
    let total = 0;
    for (let r = 0; r < rows; r++) {
      const off = r * cols;
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < cols; j++) max = Math.max(max, logits[off + j]);
      let sum = 0;
      for (let j = 0; j < cols; j++) sum += Math.exp(logits[off + j] - max);
      const label = labels[r];
      const loss = Math.log(sum) - (logits[off + label] - max);
      total += loss;
      if (rowLoss) rowLoss[r] = loss;
      for (let j = 0; j < cols; j++) {
        const p = Math.exp(logits[off + j] - max) / sum;
        grad[off + j] = (p - (j === label ? 1 : 0)) * gradScale;
      }
    }
    return total;
  },

  rowSumSquares(rows, cols, x, out) {
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let j = r * cols; j < (r + 1) * cols; j++) s += x[j] * x[j];
      out[r] = s;
    }
  },

  scaleRows(rows, cols, x, scales) {
    for (let r = 0; r < rows; r++) {
      const s = scales[r];
      for (let j = r * cols; j < (r + 1) * cols; j++) x[j] *= s;
    }
  },

  weightedSum(weights, vectors, out) {
    const acc = new Float64Array(out.length);
    for (let v = 0; v < vectors.length; v++) {
      const w = weights[v];
      const x = vectors[v];
      for (let i = 0; i < acc.length; i++) acc[i] += w * x[i];
    }
    out.set(acc);
  },

  accumulate(weight, x, acc) {
    for (let i = 0; i < acc.length; i++) acc[i] += weight * x[i];
  },

  optimizerStep(step: OptimizerStep, params, grad, state) {
    const n = params.length;
    const wd = step.weightDecay;
    const l2 = step.kind === 'adamw' ? 0 : wd;
    switch (step.kind) {
      case 'sgd':
        for (let i = 0; i < n; i++) params[i] -= step.lr * (grad[i] + l2 * params[i]);
        return;
      case 'momentum':
      case 'nesterov': {
        const [v] = state;
        const mu = step.momentum;
        for (let i = 0; i < n; i++) {
          const g = grad[i] + l2 * params[i];
          const vi = mu * v[i] + g;
          v[i] = vi;
          params[i] -= step.lr * (step.kind === 'nesterov' ? g + mu * vi : vi);
        }
        return;
      }
      case 'adagrad': {
        const [s] = state;
        for (let i = 0; i < n; i++) {
          const g = grad[i] + l2 * params[i];
          const si = s[i] + g * g;
          s[i] = si;
          params[i] -= (step.lr * g) / (Math.sqrt(si) + step.eps);
        }
        return;
      }
      case 'rmsprop': {
        const [s] = state;
        for (let i = 0; i < n; i++) {
          const g = grad[i] + l2 * params[i];
          const si = step.rho * s[i] + (1 - step.rho) * g * g;
          s[i] = si;
          params[i] -= (step.lr * g) / (Math.sqrt(si) + step.eps);
        }
        return;
      }
      case 'adadelta': {
        const [s, u] = state;
        for (let i = 0; i < n; i++) {
          const g = grad[i] + l2 * params[i];
          const si = step.rho * s[i] + (1 - step.rho) * g * g;
          s[i] = si;
          const d = (Math.sqrt(u[i] + step.eps) / Math.sqrt(si + step.eps)) * g;
          u[i] = step.rho * u[i] + (1 - step.rho) * d * d;
          params[i] -= step.lr * d;
        }
        return;
      }
      case 'adam':
      case 'adamw': {
        const [m, v] = state;
        const c1 = 1 - step.beta1 ** step.t;
        const c2 = 1 - step.beta2 ** step.t;
        const decay = step.kind === 'adamw' ? 1 - step.lr * wd : 1;
        for (let i = 0; i < n; i++) {
          const g = grad[i] + l2 * params[i];
          const mi = step.beta1 * m[i] + (1 - step.beta1) * g;
          const vi = step.beta2 * v[i] + (1 - step.beta2) * g * g;
          m[i] = mi;
          v[i] = vi;
          params[i] = params[i] * decay - (step.lr * (mi / c1)) / (Math.sqrt(vi / c2) + step.eps);
        }
        return;
      }
    }
  },
};
