// Samples per second for one SGD training step of McMahan et al.'s CNN (1,663,370 parameters, 1×28×28;
// bench/lib/cnn-step.mjs) at batch 10 and 50 with the native kernels, against PyTorch on one thread in the
// same run (bench/torch_cnn.py under /usr/bin/python3, Debian's torch with oneDNN convolutions). Torch
// runs twice, with the environment's OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE and with both unset (as the
// fedavg-round suite does); the faster counts. Windows alternate starling, torch, torch-unset, so load
// from other processes falls on all alike; figures are medians over `repeats` windows, per wall second
// and per CPU second of the process (the latter moves much less on a shared machine). Also: the FP32
// peak of one core (fmaPeak at the best SIMD level, per CPU second) and the convolutions' GFLOP/s inside
// the step (their GEMM flops over the CPU time of the conv kernel calls, im2col included) with their
// fraction of that peak, and each conv call on its own (`conv-call` rows, bench/lib/cnn-conv-calls.mjs).
// A `native-bf16` row runs the same step with nativeKernels(binding, { precision: 'bf16' }) (GEMM
// operands rounded to bfloat16, float32 accumulation) and reports grad_rel_error, ‖g_bf16 − g_fp32‖/‖g_fp32‖
// of the first step's gradient on the same parameters and data. The `native` rows use the default
// convolution algorithm (Winograd F(4×4, 5×5) for layer 2, cpp/impl/conv-winograd.inc); the `native,
// direct conv` row runs the same step with nativeKernels(binding, { convAlgorithm: 'direct' }) (the direct
// / im2col path), in the same windows, with its own conv_gflops. conv_gflops always counts the direct
// convolution's flops (CONV_FLOPS_PER_EXAMPLE), so for Winograd it is an effective rate and may pass the
// peak; the conv-call rows add the flops Winograd really does (gemm_gflops, gemm_fraction_of_peak).

import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadBinding, nativeKernels } from '../../packages/native/dist/index.js';
import { convCallRates } from '../lib/cnn-conv-calls.mjs';
import { CONV_FLOPS_PER_EXAMPLE, cnnStep, sequentialStep } from '../lib/cnn-step.mjs';
import { blasNote } from '../lib/torch-blas.mjs';

const BATCHES = [10, 50];
const PYTHON = process.env.STARLING_BENCH_PYTHON ?? '/usr/bin/python3';
const TORCH_SCRIPT = fileURLToPath(new URL('../torch_cnn.py', import.meta.url));
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

function torchMissing() {
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (r.error) return `${PYTHON} not found`;
  return r.status === 0 ? null : `${PYTHON} cannot import torch`;
}

/** A torch_cnn.py --serve process; `unsetBlasHints` drops OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE. */
async function startTorch(unsetBlasHints) {
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  if (unsetBlasHints) {
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
  }
  const child = spawn(PYTHON, [TORCH_SCRIPT, '--serve'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error(`torch_cnn.py exited: ${stderr.trim().split('\n').pop()}`);
    return JSON.parse(line.value);
  };
  const info = await next();
  return {
    info,
    async rate(batch, windowMs) {
      child.stdin.write(`${batch} ${windowMs / 1e3}\n`);
      const r = await next();
      return { wall: r.samples_per_s, cpu: r.cpu_samples_per_s };
    },
    close: () => child.stdin.end(),
  };
}

/** Samples per wall and per CPU second over one window of at least `windowMs`. */
function windowRate(step, batch, windowMs) {
  let steps = 0;
  const [t0, c0] = [performance.now(), cpuSeconds()];
  let t = t0;
  do {
    step();
    steps++;
    t = performance.now();
  } while (t - t0 < windowMs);
  return { wall: (steps * batch) / ((t - t0) / 1e3), cpu: (steps * batch) / (cpuSeconds() - c0) };
}

/** ‖a − b‖ / ‖b‖ in float64. */
function relativeError(a, b) {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

/** The first step's gradient of both precisions from the same parameters and data. */
function gradientError(fp32, bf16, batch) {
  const a = cnnStep(fp32, batch);
  const b = cnnStep(bf16, batch);
  a.step();
  b.step();
  return relativeError(b.grad, a.grad);
}

/** Kernels whose conv methods add their CPU time (this process) to `clock.s`. */
function timedConv(kernels, clock) {
  const conv = {};
  for (const [name, fn] of Object.entries(kernels.conv)) {
    conv[name] =
      typeof fn !== 'function' || !name.startsWith('conv2d')
        ? fn
        : (...args) => {
            const t0 = cpuSeconds();
            fn.apply(kernels.conv, args);
            clock.s += cpuSeconds() - t0;
          };
  }
  return { ...kernels, conv };
}

/**
 * A `cnn-step` row of one native variant: medians of its windows (samples per wall and CPU second)
 * against the faster torch (`best`, or none), and its convolutions' GFLOP/s when measured.
 */
function nativeRow(head, windows, best, convGflops, peak) {
  const wall = median(windows.map((x) => x.wall));
  const cpu = median(windows.map((x) => x.cpu));
  return {
    ...head,
    threads: 1,
    samples_per_s: wall,
    cpu_samples_per_s: cpu,
    step_us: (head.batch / wall) * 1e6,
    vs_torch: best ? wall / best.wall : undefined,
    vs_torch_cpu: best ? cpu / best.cpu : undefined,
    ...(convGflops === undefined ? {} : { conv_gflops: convGflops, conv_fraction_of_peak: convGflops / peak }),
  };
}

/** GFLOP/s of the FMA probe per CPU second of this process over a ~`ms` window. */
function fp32Peak(binding, ms) {
  let flops = 0;
  let calls = 0;
  const t0 = cpuSeconds();
  do {
    flops = binding.fmaPeak(2e6, 0.9999);
    calls++;
  } while (cpuSeconds() - t0 < ms / 1e3);
  return (flops * calls) / (cpuSeconds() - t0) / 1e9;
}

/**
 * Yields `fp32-peak`, then per batch `cnn-step` records for torch (or a note why it was skipped) and
 * native (with vs_torch on wall and CPU time, conv_gflops and conv_fraction_of_peak).
 * @param {{ repeats?: number, quick?: boolean }} [options]
 */
export default async function* run(options = {}) {
  const repeats = options.repeats ?? (options.quick ? 3 : 7);
  const windowMs = options.quick ? 150 : 400;
  const binding = loadBinding();
  const kernels = nativeKernels(binding);
  const bf16 = nativeKernels(binding, { precision: 'bf16' });
  const direct = nativeKernels(binding, { convAlgorithm: 'direct' });
  const peaks = [];
  for (let r = 0; r < repeats; r++) peaks.push(fp32Peak(binding, 100));
  const peak = median(peaks);
  yield { name: 'fp32-peak', backend: 'native', simd: binding.simd(), threads: 1, gflops: peak, median_of: repeats };
  const missing = torchMissing();
  if (missing)
    yield { name: 'note', backend: 'torch', note: `torch skipped: ${missing} (apt-get install python3-torch)` };
  const torches = missing ? [] : [await startTorch(false), await startTorch(true)];
  try {
    for (const batch of BATCHES) {
      const { step } = cnnStep(kernels, batch);
      const seq = sequentialStep(kernels, batch).step;
      const low = cnnStep(bf16, batch).step;
      const old = cnnStep(direct, batch).step;
      const clock = { s: 0 };
      const timed = cnnStep(timedConv(kernels, clock), batch).step;
      const clock16 = { s: 0 };
      const timed16 = cnnStep(timedConv(bf16, clock16), batch).step;
      const clockOld = { s: 0 };
      const timedOld = cnnStep(timedConv(direct, clockOld), batch).step;
      for (let i = 0; i < 5; i++) {
        step();
        seq();
        low();
        old();
      }
      const rates = { native: [], seq: [], bf16: [], direct: [], torch: torches.map(() => []), conv: [], conv16: [] };
      rates.convOld = [];
      for (let r = 0; r < repeats; r++) {
        rates.native.push(windowRate(step, batch, windowMs));
        rates.direct.push(windowRate(old, batch, windowMs));
        rates.seq.push(windowRate(seq, batch, windowMs));
        rates.bf16.push(windowRate(low, batch, windowMs));
        for (let t = 0; t < torches.length; t++) rates.torch[t].push(await torches[t].rate(batch, windowMs));
        clock.s = 0;
        const steps = Math.max(2, Math.round(windowMs / 40));
        for (let i = 0; i < steps; i++) timed();
        rates.conv.push((CONV_FLOPS_PER_EXAMPLE * batch * steps) / clock.s / 1e9);
        clock16.s = 0;
        for (let i = 0; i < steps; i++) timed16();
        rates.conv16.push((CONV_FLOPS_PER_EXAMPLE * batch * steps) / clock16.s / 1e9);
        clockOld.s = 0;
        for (let i = 0; i < steps; i++) timedOld();
        rates.convOld.push((CONV_FLOPS_PER_EXAMPLE * batch * steps) / clockOld.s / 1e9);
      }
      const common = { name: 'cnn-step', batch, median_of: repeats };
      let best;
      for (let t = 0; t < torches.length; t++) {
        const tw = median(rates.torch[t].map((x) => x.wall));
        const tc = median(rates.torch[t].map((x) => x.cpu));
        const blas = t === 0 ? 'env' : 'unset';
        const { version, threads, blas: blasLibs } = torches[t].info;
        yield {
          ...common,
          backend: 'torch',
          openblas_hints: blas,
          samples_per_s: tw,
          cpu_samples_per_s: tc,
          threads,
          version,
          blas: blasLibs,
        };
        const note = t === 0 ? blasNote(blasLibs) : undefined;
        if (note) yield note;
        if (!best || tc > best.cpu) best = { wall: tw, cpu: tc };
      }
      const simd = binding.simd();
      const row = (backend, windows, conv) => nativeRow({ ...common, backend, simd }, windows, best, conv, peak);
      const native = row('native', rates.native, median(rates.conv));
      yield native;
      const viaDirect = row('native, direct conv', rates.direct, median(rates.convOld));
      yield { ...viaDirect, winograd_speedup_cpu: native.cpu_samples_per_s / viaDirect.cpu_samples_per_s };
      yield row('native, Sequential cnn-fedavg', rates.seq);
      yield {
        ...row('native-bf16', rates.bf16, median(rates.conv16)),
        grad_rel_error: gradientError(kernels, bf16, batch),
      };
      const calls = [
        ['native', convCallRates(kernels.conv, batch, peak, repeats, 'auto')],
        ['native, direct conv', convCallRates(direct.conv, batch, peak, repeats, 'direct')],
      ];
      for (const [backend, r] of calls.flatMap(([b, rs]) => rs.map((x) => [b, x]))) {
        yield {
          name: 'conv-call',
          batch,
          backend,
          simd: binding.simd(),
          threads: 1,
          ...r,
          median_of: repeats,
        };
      }
    }
  } finally {
    for (const t of torches) t.close();
  }
}
