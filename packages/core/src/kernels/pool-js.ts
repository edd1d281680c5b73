import type { Conv2dGeometry } from './conv-kernels.js';

/** The window of output (oh, ow) clipped to the image: rows [r0, r1), columns [c0, c1). */
function windowOf(g: Conv2dGeometry, oh: number, ow: number) {
  const top = oh * g.strideH - g.padH;
  const left = ow * g.strideW - g.padW;
  return {
    r0: Math.max(0, top),
    r1: Math.min(g.inHeight, top + g.kernelH),
    c0: Math.max(0, left),
    c1: Math.min(g.inWidth, left + g.kernelW),
  };
}

/** Reference of `ConvKernels.maxPool2dForward`: first maximum in row-major window order; NaN wins. */
export function maxPool2dForwardJs(g: Conv2dGeometry, x: Float32Array, y: Float32Array, argmax: Int32Array): void {
  const plane = g.inHeight * g.inWidth;
  let t = 0;
  for (let nc = 0; nc < g.batch * g.inChannels; nc++) {
    const base = nc * plane;
    for (let oh = 0; oh < g.outHeight; oh++) {
      for (let ow = 0; ow < g.outWidth; ow++) {
        const { r0, r1, c0, c1 } = windowOf(g, oh, ow);
        let at = base + r0 * g.inWidth + c0;
        let best = x[at];
        for (let r = r0; r < r1; r++) {
          for (let q = c0; q < c1; q++) {
            const v = x[base + r * g.inWidth + q];
            // A NaN is chosen unless one already is (the first NaN wins).
            if (v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
              best = v;
              at = base + r * g.inWidth + q;
            }
          }
        }
        y[t] = best;
        argmax[t] = at;
        t++;
      }
    }
  }
}

/** Reference of `ConvKernels.maxPool2dBackward`: dx = 0, then dy scattered to the argmax cells in output order. */
export function maxPool2dBackwardJs(g: Conv2dGeometry, dy: Float32Array, argmax: Int32Array, dx: Float32Array): void {
  dx.fill(0, 0, g.batch * g.inChannels * g.inHeight * g.inWidth);
  const outputs = g.batch * g.inChannels * g.outHeight * g.outWidth;
  for (let t = 0; t < outputs; t++) dx[argmax[t]] += dy[t];
}

/** Reference of `ConvKernels.avgPool2dForward` (padding counted as zeros). */
export function avgPool2dForwardJs(g: Conv2dGeometry, x: Float32Array, y: Float32Array): void {
  const plane = g.inHeight * g.inWidth;
  const inv = 1 / (g.kernelH * g.kernelW);
  let t = 0;
  for (let nc = 0; nc < g.batch * g.inChannels; nc++) {
    const base = nc * plane;
    for (let oh = 0; oh < g.outHeight; oh++) {
      for (let ow = 0; ow < g.outWidth; ow++) {
        const { r0, r1, c0, c1 } = windowOf(g, oh, ow);
        let s = 0;
        for (let r = r0; r < r1; r++) for (let q = c0; q < c1; q++) s += x[base + r * g.inWidth + q];
        y[t++] = s * inv;
      }
    }
  }
}

/** Reference of `ConvKernels.avgPool2dBackward`: each dy/(kh·kw) added to its window's cells, in float64. */
export function avgPool2dBackwardJs(g: Conv2dGeometry, dy: Float32Array, dx: Float32Array): void {
  const plane = g.inHeight * g.inWidth;
  const inv = 1 / (g.kernelH * g.kernelW);
  const acc = new Float64Array(plane);
  let t = 0;
  for (let nc = 0; nc < g.batch * g.inChannels; nc++) {
    acc.fill(0);
    for (let oh = 0; oh < g.outHeight; oh++) {
      for (let ow = 0; ow < g.outWidth; ow++) {
        const d = dy[t++] * inv;
        const { r0, r1, c0, c1 } = windowOf(g, oh, ow);
        for (let r = r0; r < r1; r++) for (let q = c0; q < c1; q++) acc[r * g.inWidth + q] += d;
      }
    }
    dx.set(acc, nc * plane);
  }
}
