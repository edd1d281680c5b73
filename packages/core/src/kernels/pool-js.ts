import type { Conv2dGeometry } from './conv-kernels.js';

/** Calls `visit(xi)` for each input cell (index into one H×W plane) of output cell (oh, ow)'s window, row-major, padding skipped. */
function forEachInWindow(g: Conv2dGeometry, oh: number, ow: number, visit: (xi: number) => void): void {
  for (let i = 0; i < g.kernelH; i++) {
    const ih = oh * g.strideH - g.padH + i;
    if (ih < 0 || ih >= g.inHeight) continue;
    for (let j = 0; j < g.kernelW; j++) {
      const iw = ow * g.strideW - g.padW + j;
      if (iw >= 0 && iw < g.inWidth) visit(ih * g.inWidth + iw);
    }
  }
}

/** Reference of `ConvKernels.maxPool2dForward`: first maximum in row-major window order; NaN wins. */
export function maxPool2dForwardJs(g: Conv2dGeometry, x: Float32Array, y: Float32Array, argmax: Int32Array): void {
  const plane = g.inHeight * g.inWidth;
  let t = 0;
  for (let nc = 0; nc < g.batch * g.inChannels; nc++) {
    const base = nc * plane;
    for (let oh = 0; oh < g.outHeight; oh++) {
      for (let ow = 0; ow < g.outWidth; ow++) {
        let best = Number.NEGATIVE_INFINITY;
        let at = -1;
        forEachInWindow(g, oh, ow, (xi) => {
          const v = x[base + xi];
          if (at < 0 || v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
            best = v;
            at = base + xi;
          }
        });
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
        let s = 0;
        forEachInWindow(g, oh, ow, (xi) => {
          s += x[base + xi];
        });
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
        forEachInWindow(g, oh, ow, (xi) => {
          acc[xi] += d;
        });
      }
    }
    dx.set(acc, nc * plane);
  }
}
