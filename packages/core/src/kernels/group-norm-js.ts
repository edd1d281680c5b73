/**
 * Reference of `ConvKernels.groupNormForward` (Wu & He 2018). Statistics in float64 (two passes: mean,
 * then the biased variance); `mean` and `rstd` are stored as float32 and y is computed from the stored
 * values, so the backward's recomputed x̂ is the forward's exactly.
 */
export function groupNormForwardJs(
  batch: number,
  channels: number,
  spatial: number,
  groups: number,
  eps: number,
  x: Float32Array,
  gamma: Float32Array,
  beta: Float32Array,
  y: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
): void {
  const per = channels / groups;
  const m = per * spatial;
  for (let n = 0; n < batch; n++) {
    for (let gi = 0; gi < groups; gi++) {
      const start = (n * channels + gi * per) * spatial;
      let s = 0;
      for (let t = 0; t < m; t++) s += x[start + t];
      const mu = s / m;
      let v = 0;
      for (let t = 0; t < m; t++) v += (x[start + t] - mu) * (x[start + t] - mu);
      mean[n * groups + gi] = mu;
      rstd[n * groups + gi] = 1 / Math.sqrt(v / m + eps);
      const mu32 = mean[n * groups + gi];
      const r32 = rstd[n * groups + gi];
      for (let t = 0; t < m; t++) {
        const c = gi * per + Math.floor(t / spatial);
        y[start + t] = gamma[c] * ((x[start + t] - mu32) * r32) + beta[c];
      }
    }
  }
}

/**
 * Reference of `ConvKernels.groupNormBackward`: with x̂ = (x − μ)·rstd and ĝ = dy·γ over a group of M
 * entries, `dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))`; dγ and dβ summed over the batch. Float64 sums.
 */
export function groupNormBackwardJs(
  batch: number,
  channels: number,
  spatial: number,
  groups: number,
  x: Float32Array,
  gamma: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  dgamma: Float32Array,
  dbeta: Float32Array,
): void {
  const per = channels / groups;
  const m = per * spatial;
  const dg = new Float64Array(channels);
  const dbt = new Float64Array(channels);
  for (let n = 0; n < batch; n++) {
    for (let gi = 0; gi < groups; gi++) {
      const start = (n * channels + gi * per) * spatial;
      const mu = mean[n * groups + gi];
      const r = rstd[n * groups + gi];
      let sumG = 0;
      let sumGX = 0;
      for (let t = 0; t < m; t++) {
        const c = gi * per + Math.floor(t / spatial);
        const xh = (x[start + t] - mu) * r;
        const d = dy[start + t];
        dg[c] += d * xh;
        dbt[c] += d;
        sumG += d * gamma[c];
        sumGX += d * gamma[c] * xh;
      }
      const meanG = sumG / m;
      const meanGX = sumGX / m;
      for (let t = 0; t < m; t++) {
        const c = gi * per + Math.floor(t / spatial);
        const xh = (x[start + t] - mu) * r;
        dx[start + t] = r * (dy[start + t] * gamma[c] - meanG - xh * meanGX);
      }
    }
  }
  dgamma.set(dg);
  dbeta.set(dbt);
}
