import type { Conv2dGeometry, ConvKernels } from './conv-kernels.js';
import { groupNormBackwardJs, groupNormForwardJs } from './group-norm-js.js';
import { avgPool2dBackwardJs, avgPool2dForwardJs, maxPool2dBackwardJs, maxPool2dForwardJs } from './pool-js.js';

/**
 * The output positions [lo, hi) along one axis whose window reads input position `o·stride − pad + tap`
 * inside [0, size): outside that range the tap falls in the padding (reads 0).
 */
function tapRange(outSize: number, stride: number, pad: number, tap: number, size: number): [number, number] {
  const lo = Math.max(0, Math.ceil((pad - tap) / stride));
  const hi = Math.min(outSize, Math.floor((size - 1 + pad - tap) / stride) + 1);
  return [lo, Math.max(lo, hi)];
}

/**
 * The valid output rectangle of kernel tap (i, j): output rows [h0, h1) and columns [w0, w1) whose
 * window reads a real input cell there, and `origin`, the input index (within one H×W plane) read by
 * output (0, 0) at that tap (it may be negative: only cells inside the rectangle are read).
 */
function tap(g: Conv2dGeometry, i: number, j: number) {
  const [h0, h1] = tapRange(g.outHeight, g.strideH, g.padH, i, g.inHeight);
  const [w0, w1] = tapRange(g.outWidth, g.strideW, g.padW, j, g.inWidth);
  return { h0, h1, w0, w1, origin: (i - g.padH) * g.inWidth + (j - g.padW) };
}

/** {@link tap} for every kernel offset, row-major (index i·kw + j). */
function taps(g: Conv2dGeometry): ReturnType<typeof tap>[] {
  const out: ReturnType<typeof tap>[] = [];
  for (let i = 0; i < g.kernelH; i++) for (let j = 0; j < g.kernelW; j++) out.push(tap(g, i, j));
  return out;
}

function conv2dForward(g: Conv2dGeometry, x: Float32Array, w: Float32Array, b: Float32Array, y: Float32Array): void {
  const {
    inChannels: C,
    outChannels: K,
    kernelH: kh,
    kernelW: kw,
    strideH: sH,
    strideW: sW,
    inWidth: W,
    outWidth: OW,
  } = g;
  const plane = g.inHeight * g.inWidth;
  const outPlane = g.outHeight * g.outWidth;
  const all = taps(g);
  const acc = new Float64Array(outPlane);
  for (let n = 0; n < g.batch; n++) {
    for (let k = 0; k < K; k++) {
      acc.fill(b[k]);
      for (let c = 0; c < C; c++) {
        const xc = (n * C + c) * plane;
        for (let i = 0; i < kh; i++) {
          for (let j = 0; j < kw; j++) {
            const wv = w[((k * C + c) * kh + i) * kw + j];
            const t = all[i * kw + j];
            for (let oh = t.h0; oh < t.h1; oh++) {
              const xr = xc + t.origin + oh * sH * W;
              const or = oh * OW;
              for (let ow = t.w0; ow < t.w1; ow++) acc[or + ow] += wv * x[xr + ow * sW];
            }
          }
        }
      }
      y.set(acc, (n * K + k) * outPlane);
    }
  }
}

function conv2dBackward(
  g: Conv2dGeometry,
  x: Float32Array,
  w: Float32Array,
  dy: Float32Array,
  dw: Float32Array,
  db: Float32Array,
  dx: Float32Array | null,
): void {
  const {
    inChannels: C,
    outChannels: K,
    kernelH: kh,
    kernelW: kw,
    strideH: sH,
    strideW: sW,
    inWidth: W,
    outWidth: OW,
  } = g;
  const plane = g.inHeight * g.inWidth;
  const outPlane = g.outHeight * g.outWidth;
  const all = taps(g);
  const dwAcc = new Float64Array(K * C * kh * kw);
  const dbAcc = new Float64Array(K);
  const dxAcc = new Float64Array(C * plane);
  for (let n = 0; n < g.batch; n++) {
    dxAcc.fill(0);
    for (let k = 0; k < K; k++) {
      const dyk = (n * K + k) * outPlane;
      for (let o = 0; o < outPlane; o++) dbAcc[k] += dy[dyk + o];
      for (let c = 0; c < C; c++) {
        const xc = (n * C + c) * plane;
        for (let i = 0; i < kh; i++) {
          for (let j = 0; j < kw; j++) {
            const wi = ((k * C + c) * kh + i) * kw + j;
            const wv = w[wi];
            const t = all[i * kw + j];
            let s = 0;
            for (let oh = t.h0; oh < t.h1; oh++) {
              const xr = t.origin + oh * sH * W;
              const or = dyk + oh * OW;
              for (let ow = t.w0; ow < t.w1; ow++) {
                const d = dy[or + ow];
                s += d * x[xc + xr + ow * sW];
                dxAcc[c * plane + xr + ow * sW] += d * wv;
              }
            }
            dwAcc[wi] += s;
          }
        }
      }
    }
    if (dx) dx.set(dxAcc, n * C * plane);
  }
  dw.set(dwAcc);
  db.set(dbAcc);
}

function conv2dGradSqNorms(g: Conv2dGeometry, x: Float32Array, dy: Float32Array, out: Float64Array): void {
  const {
    inChannels: C,
    outChannels: K,
    kernelH: kh,
    kernelW: kw,
    strideH: sH,
    strideW: sW,
    inWidth: W,
    outWidth: OW,
  } = g;
  const plane = g.inHeight * g.inWidth;
  const outPlane = g.outHeight * g.outWidth;
  const all = taps(g);
  // The reference forms example n's gradient Σ_p dy_n[:,p] ⊗ U_n[p,:] in scratch, one example at a time
  // (never all N at once); a backend may use the Gram form Σ_{p,q} (dy_p·dy_q)(U_p·U_q) where cheaper.
  const gw = new Float64Array(K * C * kh * kw);
  for (let n = 0; n < g.batch; n++) {
    gw.fill(0);
    let biasSq = 0;
    for (let k = 0; k < K; k++) {
      const dyk = (n * K + k) * outPlane;
      let gb = 0;
      for (let o = 0; o < outPlane; o++) gb += dy[dyk + o];
      biasSq += gb * gb;
      for (let c = 0; c < C; c++) {
        const xc = (n * C + c) * plane;
        for (let i = 0; i < kh; i++) {
          for (let j = 0; j < kw; j++) {
            const t = all[i * kw + j];
            let s = 0;
            for (let oh = t.h0; oh < t.h1; oh++) {
              const xr = xc + t.origin + oh * sH * W;
              const or = dyk + oh * OW;
              for (let ow = t.w0; ow < t.w1; ow++) s += dy[or + ow] * x[xr + ow * sW];
            }
            gw[((k * C + c) * kh + i) * kw + j] = s;
          }
        }
      }
    }
    let sq = biasSq;
    for (let t = 0; t < gw.length; t++) sq += gw[t] * gw[t];
    out[n] = sq;
  }
}

/**
 * The TypeScript reference of {@link ConvKernels}: direct loops over the definitions in its TSDoc, every
 * sum accumulated in float64 and rounded to float32 once when stored. The specification the native
 * backend is tested against; slow (no im2col, no blocking).
 */
export const jsConvKernels: ConvKernels = {
  backend: 'js',
  conv2dForward,
  conv2dBackward,
  conv2dGradSqNorms,
  maxPool2dForward: maxPool2dForwardJs,
  maxPool2dBackward: maxPool2dBackwardJs,
  avgPool2dForward: avgPool2dForwardJs,
  avgPool2dBackward: avgPool2dBackwardJs,
  groupNormForward: groupNormForwardJs,
  groupNormBackward: groupNormBackwardJs,
};
