// What the full and the --quick versions run: data, model, round budgets, targets, and the throughput
// figures the run-time estimate assumes.
import { existsSync } from 'node:fs';

const FASHION_DIR = '/usr/share/datasets/fashion-mnist';

/**
 * The data section: Fashion-MNIST (Debian's dataset-fashion-mnist) when its files are there, else the
 * bundled MNIST digits with a note. `--quick` keeps a seeded subset.
 * @param {boolean} quick
 * @returns {{ data: object, name: string, train: number, test: number, note: string | null }}
 */
export function dataSection(quick) {
  const fashion = existsSync(`${FASHION_DIR}/train-images-idx3-ubyte.gz`);
  if (fashion) {
    const data = quick ? { kind: 'fashion-mnist', limit: 6000, testLimit: 2000 } : { kind: 'fashion-mnist' };
    return { data, name: 'Fashion-MNIST', train: quick ? 6000 : 60000, test: quick ? 2000 : 10000, note: null };
  }
  const data = quick ? { kind: 'mnist', testFraction: 0.2, limit: 6000 } : { kind: 'mnist', testFraction: 0.2 };
  const note = `Fashion-MNIST is not installed (${FASHION_DIR}; apt-get install dataset-fashion-mnist): these tables use the 10,000 bundled MNIST digits instead.`;
  return { data, name: 'MNIST (bundled 10k)', train: quick ? 6000 : 8000, test: 2000, note };
}

/** The model section: McMahan et al.'s CNN (the `cnn-fedavg` preset) or their 2NN (784-200-200-10, ReLU). */
export function modelSection(model) {
  if (model === 'cnn') return { kind: 'cnn-fedavg' };
  return { kind: 'mlp', hidden: [200, 200], activation: 'relu', init: 'kaiming' };
}

/** The MLP of the DP table: experiments/dpsgd-mnist.yaml's (784-128-10, tanh). */
export const DP_MLP = { kind: 'mlp', hidden: [128], activation: 'tanh', init: 'xavier' };

/**
 * Round budgets and targets per version and model. Table 2 runs every setting for the same number of
 * rounds (Starling has no stop-at-target) and reads the first round at or over the target from
 * metrics.jsonl. The targets sit below each model's reach on the data (the paper's 99% is MNIST's).
 */
export function budgets(quick, model) {
  if (quick) {
    return { table2: { rounds: 30, target: 0.7 }, dp: { epochs: 3 } };
  }
  return model === 'cnn'
    ? { table2: { rounds: 200, target: 0.88 }, dp: { epochs: 15 } }
    : { table2: { rounds: 300, target: 0.85 }, dp: { epochs: 15 } };
}

/**
 * Training throughput (examples per second, one process on this kind of 2-core machine) the estimate
 * assumes: 2NN from docs/native.md-era measurements (65k/s at batch 10), the CNN from PyTorch's ~1k/s
 * (FACTS.md) times the issue's ≥ 1.5× goal, per-example clipping (DP-SGD) at a third of plain training,
 * evaluation at 4× training, plus 4 s per run (start, data load) and 0.1 s per round (evaluation and
 * bookkeeping), all on an otherwise idle machine. Estimates, not measurements: the run prints the real
 * wall time per row.
 */
export const THROUGHPUT = {
  '2nn': { train: 50000, dp: 15000 },
  mlp: { train: 80000, dp: 25000 },
  cnn: { train: 1500, dp: 500 },
};

/**
 * Seconds to run `rounds` rounds training `examples` and evaluating `evalExamples` in all with `model`
 * (`dp`: per-example clipping).
 */
export function estimateSeconds(model, rounds, examples, evalExamples, dp = false) {
  const t = THROUGHPUT[model];
  const train = dp ? t.dp : t.train;
  return examples / train + evalExamples / (4 * t.train) + 4 + 0.1 * rounds;
}
