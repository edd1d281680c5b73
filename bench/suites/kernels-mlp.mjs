// Samples per second for one training step of the 2NN (784-200-200-10, ReLU, softmax cross-entropy,
// plain SGD; McMahan et al. 2017) at batch 10, 32 and 128: native and JS kernels through core's
// DenseNet, and PyTorch on one thread (bench/torch_mlp.py) when /usr/bin/python3 can import torch.
// Imports the built packages.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jsKernels, makeModel, Rng } from '../../packages/core/dist/index.js';
import { loadKernels } from '../../packages/native/dist/index.js';

const BATCHES = [10, 32, 128];
const TORCH_SCRIPT = fileURLToPath(new URL('../torch_mlp.py', import.meta.url));
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const pause = () => new Promise((resolve) => setImmediate(resolve));

/** A closure running one full training step (forward, loss, backward, SGD update) on fixed data. */
function trainingStep(kernels, batch) {
  const rng = Rng.fromSeed(7);
  const model = makeModel({ kind: 'mlp', hidden: [200, 200], activation: 'relu' }, 784, 10, 'softmax_ce');
  const params = new Float32Array(model.layout.size);
  const grad = new Float32Array(model.layout.size);
  model.init(params, rng.fork('init'));
  const x = new Float32Array(batch * 784);
  rng.fork('x').fillUniform(x, 0, 1);
  const labelRng = rng.fork('y');
  const y = Int32Array.from({ length: batch }, () => labelRng.int(10));
  const sgd = { kind: 'sgd', lr: 0.01, weightDecay: 0 };
  return () => {
    model.lossAndGrad(kernels, 'softmax_ce', params, x, y, batch, grad);
    kernels.optimizerStep(sgd, params, grad, []);
  };
}

/** Median samples/s over `repeats` windows of at least `windowMs`, after a warm-up. */
async function samplesPerSecond(step, batch, repeats, windowMs) {
  for (let i = 0; i < 5; i++) step();
  const rates = [];
  for (let r = 0; r < repeats; r++) {
    let steps = 0;
    const t0 = performance.now();
    let t = t0;
    do {
      step();
      steps++;
      t = performance.now();
    } while (t - t0 < windowMs);
    rates.push((steps * batch) / ((t - t0) / 1e3));
    await pause();
  }
  return median(rates);
}

function python() {
  return process.env.STARLING_BENCH_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
}

/** Whether torch imports; the reason when it does not. */
function torchStatus() {
  const run = spawnSync(python(), ['-c', 'import torch'], { encoding: 'utf8' });
  if (run.error) return { ok: false, reason: `${python()} not found` };
  if (run.status !== 0) return { ok: false, reason: `${python()} cannot import torch` };
  return { ok: true };
}

function torchRecord(batch, repeats, windowMs) {
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const args = [
    TORCH_SCRIPT,
    '--batch',
    String(batch),
    '--repeats',
    String(repeats),
    '--window',
    String(windowMs / 1e3),
  ];
  const run = spawnSync(python(), args, { encoding: 'utf8', env });
  if (run.status !== 0) throw new Error(`torch_mlp.py failed: ${run.stderr.trim().split('\n').pop()}`);
  return JSON.parse(run.stdout.trim().split('\n').pop());
}

/**
 * Per batch size, yields `mlp-step` records for torch (or a note why it was skipped), js and native;
 * the native record carries vs_torch and vs_js, the ratios of samples/s measured in this run.
 * @param {{ repeats?: number, quick?: boolean }} [options]
 */
export default async function* run(options = {}) {
  const repeats = options.repeats ?? (options.quick ? 3 : 5);
  const windowMs = options.quick ? 100 : 250;
  const loaded = loadKernels('native');
  const torch = torchStatus();
  if (!torch.ok) {
    yield {
      name: 'note',
      backend: 'torch',
      note: `torch skipped: ${torch.reason} (Debian: apt-get install python3-torch libopenblas0-openmp)`,
    };
  }
  for (const batch of BATCHES) {
    let torchRate;
    if (torch.ok) {
      const record = torchRecord(batch, repeats, windowMs);
      torchRate = record.samples_per_s;
      yield record;
    }
    const js = await samplesPerSecond(trainingStep(jsKernels, batch), batch, repeats, windowMs);
    yield {
      name: 'mlp-step',
      backend: 'js',
      batch,
      samples_per_s: js,
      step_us: (batch / js) * 1e6,
      median_of: repeats,
    };
    const native = await samplesPerSecond(trainingStep(loaded.kernels, batch), batch, repeats, windowMs);
    yield {
      name: 'mlp-step',
      backend: 'native',
      simd: loaded.simd,
      batch,
      samples_per_s: native,
      step_us: (batch / native) * 1e6,
      median_of: repeats,
      vs_torch: torchRate === undefined ? undefined : native / torchRate,
      vs_js: native / js,
    };
  }
}
