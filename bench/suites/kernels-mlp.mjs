// Samples per second for one training step of the 2NN (784-200-200-10, ReLU, softmax cross-entropy,
// plain SGD; McMahan et al. 2017) at batch 10, 32 and 128: native and JS kernels through core's
// DenseNet, and PyTorch on one thread (bench/torch_mlp.py) when /usr/bin/python3 can import torch.
// Imports the built packages.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { jsKernels, makeModel, Rng } from '../../packages/core/dist/index.js';
import { loadKernels } from '../../packages/native/dist/index.js';
import { blasNote } from '../lib/torch-blas.mjs';

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

/** Samples/s over one window of at least `windowMs`. */
function windowRate(step, batch, windowMs) {
  let steps = 0;
  const t0 = performance.now();
  let t = t0;
  do {
    step();
    steps++;
    t = performance.now();
  } while (t - t0 < windowMs);
  return (steps * batch) / ((t - t0) / 1e3);
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

/** Starts bench/torch_mlp.py --serve: one torch process that times windows on request. */
async function startTorch() {
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const child = spawn(python(), [TORCH_SCRIPT, '--serve'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error(`torch_mlp.py exited: ${stderr.trim().split('\n').pop()}`);
    return JSON.parse(line.value);
  };
  const info = await next();
  return {
    info,
    async rate(batch, windowMs) {
      child.stdin.write(`${batch} ${windowMs / 1e3}\n`);
      return (await next()).samples_per_s;
    },
    close() {
      child.stdin.end();
    },
  };
}

/**
 * Per batch size, yields `mlp-step` records for torch (or one note why it was skipped), js and native.
 * Windows of the three alternate (torch, native, js, torch, ...) so that load from other processes
 * falls on all of them alike; each figure is the median over `repeats` windows, and the native record
 * carries vs_torch and vs_js, the ratios of those medians.
 * @param {{ repeats?: number, quick?: boolean }} [options]
 */
export default async function* run(options = {}) {
  const repeats = options.repeats ?? (options.quick ? 3 : 7);
  const windowMs = options.quick ? 100 : 250;
  const loaded = loadKernels('native');
  const status = torchStatus();
  const torch = status.ok ? await startTorch() : undefined;
  if (!torch) {
    yield {
      name: 'note',
      backend: 'torch',
      note: `torch skipped: ${status.reason} (Debian: apt-get install python3-torch libopenblas0-openmp)`,
    };
  }
  try {
    for (const batch of BATCHES) {
      const steps = { native: trainingStep(loaded.kernels, batch), js: trainingStep(jsKernels, batch) };
      for (let i = 0; i < 5; i++) steps.native();
      steps.js();
      const rates = { torch: [], native: [], js: [] };
      for (let r = 0; r < repeats; r++) {
        if (torch) rates.torch.push(await torch.rate(batch, windowMs));
        rates.native.push(windowRate(steps.native, batch, windowMs));
        rates.js.push(windowRate(steps.js, batch, windowMs));
        await pause();
      }
      const [t, n, j] = [median(rates.torch), median(rates.native), median(rates.js)];
      const common = { name: 'mlp-step', batch, median_of: repeats };
      if (torch) {
        const { version, threads, blas } = torch.info;
        yield { ...common, backend: 'torch', samples_per_s: t, step_us: (batch / t) * 1e6, threads, version, blas };
        const note = blasNote(blas);
        if (note) yield note;
      }
      yield { ...common, backend: 'js', samples_per_s: j, step_us: (batch / j) * 1e6, threads: 1 };
      yield {
        ...common,
        backend: 'native',
        simd: loaded.simd,
        samples_per_s: n,
        step_us: (batch / n) * 1e6,
        threads: 1,
        vs_torch: torch ? n / t : undefined,
        vs_js: n / j,
      };
    }
  } finally {
    torch?.close();
  }
}
