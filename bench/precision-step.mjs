#!/usr/bin/env node
// model.precision: fp32 against bf16 through the product path (core's Sequential, native kernels, one
// thread): samples per CPU second of one SGD step (lossAndGrad + optimizerStep) of McMahan et al.'s CNN
// (`cnn-fedavg`, 1×28×28) at batch 10 and 50, windows alternating fp32, bf16 so load from other processes
// falls on both alike; medians over the windows. Also ‖g_bf16 − g_fp32‖/‖g_fp32‖ of the first step's
// gradient from the same parameters and data. Needs `tsc -b` (reads dist/).
//   node bench/precision-step.mjs [windows=7] [windowMs=1500]
import { makeModel, Rng } from '../packages/core/dist/index.js';
import { loadKernels } from '../packages/native/dist/index.js';

const windows = Number(process.argv[2] ?? 7);
const windowMs = Number(process.argv[3] ?? 1500);
const { kernels, simd } = loadKernels('native');
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function step(precision, batch) {
  const model = makeModel({ kind: 'cnn-fedavg', precision }, [1, 28, 28], 10, 'softmax_ce');
  const params = new Float32Array(model.layout.size);
  const grad = new Float32Array(model.layout.size);
  const rng = Rng.fromSeed(7);
  model.init(params, rng.fork('init'));
  const x = new Float32Array(batch * 784);
  rng.fork('x').fillUniform(x, 0, 1);
  const labels = rng.fork('y');
  const y = Int32Array.from({ length: batch }, () => labels.int(10));
  const sgd = { kind: 'sgd', lr: 0.01, weightDecay: 0 };
  const first = new Float32Array(model.layout.size);
  model.lossAndGrad(kernels, 'softmax_ce', params, x, y, batch, first);
  const run = () => {
    model.lossAndGrad(kernels, 'softmax_ce', params, x, y, batch, grad);
    kernels.optimizerStep(sgd, params, grad, []);
  };
  return { run, first };
}

function rate(run, batch) {
  const t0 = cpu();
  const w0 = performance.now();
  let n = 0;
  while (performance.now() - w0 < windowMs) {
    run();
    n++;
  }
  return (n * batch) / (cpu() - t0);
}

for (const batch of [10, 50]) {
  const a = step('fp32', batch);
  const b = step('bf16', batch);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.first.length; i++) {
    num += (b.first[i] - a.first[i]) ** 2;
    den += a.first[i] ** 2;
  }
  const rates = { fp32: [], bf16: [] };
  for (let w = 0; w < windows; w++) {
    rates.fp32.push(rate(a.run, batch));
    rates.bf16.push(rate(b.run, batch));
  }
  const [f, h] = [median(rates.fp32), median(rates.bf16)];
  const row = { batch, simd, fp32_per_cpu_s: Math.round(f), bf16_per_cpu_s: Math.round(h), ratio: +(h / f).toFixed(3) };
  console.log(JSON.stringify({ ...row, grad_rel_error: +Math.sqrt(num / den).toExponential(2), windows }));
}
