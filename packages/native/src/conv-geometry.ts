import { type Conv2dGeometry, errors } from '@starling/core';

/**
 * Checks a `Conv2dGeometry` for the native convolution adapter and packs it into `packed` as the binding
 * expects it: [N, C, H, W, K, kh, kw, sH, sW, pH, pW, OH, OW]. Every failure names the kernel and the
 * field (`conv2dForward: g.outHeight: expected ⌊(H + 2·padH − kernelH)/strideH⌋ + 1 = 14, got 13`).
 * Invariants checked: integer fields, N, C, H, W, K, kh, kw, strides ≥ 1, 0 ≤ pad < kernel, the output
 * sizes by the floor formula (≥ 1), K = C when `pool`, and every array size below 2^31 entries.
 */
export function packGeometry(fn: string, g: Conv2dGeometry, pool: boolean, packed: Int32Array): void {
  if (typeof g !== 'object' || g === null) throw errors.shape(`${fn}: g`, 'a Conv2dGeometry', String(g));
  const fields: [keyof Conv2dGeometry, number][] = [
    ['batch', 1],
    ['inChannels', 1],
    ['inHeight', 1],
    ['inWidth', 1],
    ['outChannels', 1],
    ['kernelH', 1],
    ['kernelW', 1],
    ['strideH', 1],
    ['strideW', 1],
    ['padH', 0],
    ['padW', 0],
    ['outHeight', 1],
    ['outWidth', 1],
  ];
  fields.forEach(([name, min], i) => {
    const v = g[name];
    if (!(Number.isInteger(v) && v >= min && v < 2 ** 31)) {
      throw errors.shape(`${fn}: g.${name}`, `an integer ≥ ${min}`, typeof v === 'number' ? v : typeof v);
    }
    packed[i] = v;
  });
  if (g.padH >= g.kernelH) throw errors.shape(`${fn}: g.padH`, `below kernelH = ${g.kernelH}`, g.padH);
  if (g.padW >= g.kernelW) throw errors.shape(`${fn}: g.padW`, `below kernelW = ${g.kernelW}`, g.padW);
  const oh = Math.floor((g.inHeight + 2 * g.padH - g.kernelH) / g.strideH) + 1;
  const ow = Math.floor((g.inWidth + 2 * g.padW - g.kernelW) / g.strideW) + 1;
  if (oh < 1 || g.outHeight !== oh) {
    throw errors.shape(`${fn}: g.outHeight`, `⌊(H + 2·padH − kernelH)/strideH⌋ + 1 = ${oh} (≥ 1)`, g.outHeight);
  }
  if (ow < 1 || g.outWidth !== ow) {
    throw errors.shape(`${fn}: g.outWidth`, `⌊(W + 2·padW − kernelW)/strideW⌋ + 1 = ${ow} (≥ 1)`, g.outWidth);
  }
  if (pool && g.outChannels !== g.inChannels) {
    throw errors.shape(`${fn}: g.outChannels`, `inChannels = ${g.inChannels} for pooling`, g.outChannels);
  }
  const sizes: [string, number][] = [
    ['N·C·H·W', inputSize(g)],
    ['N·K·OH·OW', outputSize(g)],
    ['OH·OW·C·kh·kw', oh * ow * g.inChannels * g.kernelH * g.kernelW],
  ];
  for (const [what, n] of sizes) {
    if (n >= 2 ** 31) throw errors.shape(`${fn}: g`, `${what} below 2^31`, n);
  }
}

/** N·C·H·W: entries of x and dx. */
export function inputSize(g: Conv2dGeometry): number {
  return g.batch * g.inChannels * g.inHeight * g.inWidth;
}

/** N·K·OH·OW: entries of y and dy. */
export function outputSize(g: Conv2dGeometry): number {
  return g.batch * g.outChannels * g.outHeight * g.outWidth;
}

/** K·C·kh·kw: entries of a convolution weight. */
export function weightSize(g: Conv2dGeometry): number {
  return g.outChannels * g.inChannels * g.kernelH * g.kernelW;
}
