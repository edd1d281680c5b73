// What the full and the --quick versions run: data, model, round budgets, targets, and the throughput
// figures the run-time estimate assumes.
import { existsSync } from 'node:fs';

const FASHION_DIR = '/usr/share/datasets/fashion-mnist';

/**
 * The short version (--short), cut from the full one to fit about 75 minutes of one core with the CNN:
 * Table 2 on 20,000 training examples (200 per client instead of 600) and 2,000 test examples, targets
 * 80% (IID) and 70% (non-IID) instead of 88%, at most 150 rounds instead of 200, each row stopped at its
 * target; DP-SGD for SHORT_DP_EPOCHS epoch instead of 15 (all 60,000 training examples, so the sampling
 * rate q = 256/60,000 is the full version's).
 */
const SHORT_ROUNDS = 150;
const SHORT_TARGETS = { iid: 0.8, noniid: 0.7 };
const SHORT_DP_EPOCHS = 1;

/**
 * The version an invocation runs: `quick` (--quick), `short` (--short: the CNN tables cut to about
 * 75 minutes of one core) or `full`. @param {{ quick: boolean, short?: boolean }} o
 * @returns {'quick' | 'short' | 'full'}
 */
export function versionOf(o) {
  return o.quick ? 'quick' : o.short ? 'short' : 'full';
}

/** Seeded subsets per version and table: [training, test] examples kept (null: all). */
const SUBSETS = {
  quick: { table2: [6000, 2000], dp: [6000, 2000] },
  short: { table2: [20000, 2000], dp: [null, null] },
  full: { table2: [null, null], dp: [null, null] },
};

/**
 * The data section: Fashion-MNIST (Debian's dataset-fashion-mnist) when its files are there, else the
 * bundled MNIST digits with a note. `--quick` and `--short` keep seeded subsets (SUBSETS).
 * @param {'quick' | 'short' | 'full'} version @param {'table2' | 'dp'} table
 * @returns {{ data: object, name: string, train: number, test: number, note: string | null }}
 */
export function dataSection(version, table = 'table2') {
  const [limit, testLimit] = SUBSETS[version][table];
  const fashion = existsSync(`${FASHION_DIR}/train-images-idx3-ubyte.gz`);
  if (fashion) {
    const data = {
      kind: 'fashion-mnist',
      ...(limit === null ? {} : { limit }),
      ...(testLimit === null ? {} : { testLimit }),
    };
    return { data, name: 'Fashion-MNIST', train: limit ?? 60000, test: testLimit ?? 10000, note: null };
  }
  const data = { kind: 'mnist', testFraction: 0.2, ...(limit === null ? {} : { limit: Math.min(limit, 8000) }) };
  const note = `Fashion-MNIST is not installed (${FASHION_DIR}; apt-get install dataset-fashion-mnist): these tables use the 10,000 bundled MNIST digits instead.`;
  return { data, name: 'MNIST (bundled 10k)', train: Math.min(limit ?? 8000, 8000), test: 2000, note };
}

/** The model section: McMahan et al.'s CNN (the `cnn-fedavg` preset) or their 2NN (784-200-200-10, ReLU). */
export function modelSection(model) {
  if (model === 'cnn') return { kind: 'cnn-fedavg' };
  return { kind: 'mlp', hidden: [200, 200], activation: 'relu', init: 'kaiming' };
}

/** The MLP of the DP table: experiments/dpsgd-mnist.yaml's (784-128-10, tanh). */
export const DP_MLP = { kind: 'mlp', hidden: [128], activation: 'tanh', init: 'xavier' };

/**
 * Round budgets and targets (per partition) per version and model. Table 2 runs every setting for the
 * same number of rounds and reads the first round at or over the target from metrics.jsonl; with
 * `stopAtTarget` (the short version) all.mjs stops a row's run once it reaches its target. The targets
 * sit below each model's reach on the data (the paper's 99% is MNIST's).
 * @param {'quick' | 'short' | 'full'} version @param {'cnn' | '2nn'} model
 */
export function budgets(version, model) {
  const same = (rounds, target) => ({ rounds, targets: { iid: target, noniid: target }, stopAtTarget: false });
  if (version === 'quick') return { table2: same(30, 0.7), dp: { epochs: 3 } };
  if (version === 'short') {
    return {
      table2: { rounds: SHORT_ROUNDS, targets: SHORT_TARGETS, stopAtTarget: true },
      dp: { epochs: SHORT_DP_EPOCHS },
    };
  }
  return model === 'cnn'
    ? { table2: same(200, 0.88), dp: { epochs: 15 } }
    : { table2: same(300, 0.85), dp: { epochs: 15 } };
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
