// DP-SGD (Abadi et al. 2016) trained centrally at ε = 1, 3, 8 (δ = 1e-5) and without privacy, with the
// MLP of experiments/dpsgd-mnist.yaml and with McMahan et al.'s CNN: σ is calibrated before each run
// (RDP accountant) so the planned epochs spend at most the target ε (docs/privacy.md).
import { budgets, DP_MLP, dataSection, estimateSeconds, modelSection, versionOf } from './lib/profiles.mjs';
import { markdownTable } from './lib/tables.mjs';

const EPSILONS = [1, 3, 8, null];

/** One config per (model, ε): experiments/dpsgd-mnist.yaml's settings on the chosen data. */
export function planDp(o) {
  const data = dataSection(versionOf(o), 'dp');
  const { epochs } = budgets(versionOf(o), o.model).dp;
  const models =
    o.model === 'cnn'
      ? [
          ['mlp', DP_MLP],
          ['cnn', modelSection('cnn')],
        ]
      : [['mlp', DP_MLP]];
  const rows = [];
  for (const [key, model] of models) {
    for (const eps of EPSILONS) {
      const name = `dp-${key}-${eps === null ? 'nonprivate' : `eps${eps}`}`;
      const config = {
        name,
        seed: 1,
        data: data.data,
        model,
        loss: { kind: 'softmax_ce' },
        optimizer: { kind: 'momentum', lr: 0.1, momentum: 0.9 },
        algorithm: { kind: 'centralized', rounds: epochs, batchSize: 256 },
        ...(eps === null ? {} : { privacy: { mode: 'dpsgd', targetEpsilon: eps, delta: 1e-5, clipNorm: 1 } }),
        runtime: { kind: o.runtime },
        eval: { every: 1 },
      };
      const estimate = estimateSeconds(key, epochs, epochs * data.train, epochs * data.test, eps !== null);
      rows.push({ name, config, model: key, eps, estimate });
    }
  }
  return { rows, epochs, data };
}

/** The markdown of the DP table from finished rows. */
export function renderDp(plan, results) {
  let md = `## DP-SGD on ${plan.data.name} at ε = 1, 3, 8 (δ = 1e-5)\n\n`;
  md += `Centralized DP-SGD, ${plan.epochs} epochs over ${plan.data.train} training examples (test: ${plan.data.test}), Poisson lots of expected size 256, clip norm 1, momentum 0.9, lr 0.1, seed 1; `;
  md += 'σ calibrated before the run (RDP accountant) to spend at most the target ε.\n\n';
  const table = results.map((r) => {
    const p = r.summary.privacy ?? null;
    return [
      r.model === 'cnn' ? 'CNN (cnn-fedavg)' : 'MLP 784-128-10 tanh',
      r.eps === null ? 'non-private' : r.eps,
      p ? p.noise_multiplier.toFixed(3) : '–',
      r.summary.failed ? '–' : r.summary.epsilon === null ? '∞' : r.summary.epsilon.toFixed(3),
      r.summary.failed ? 'failed' : r.summary.test_accuracy === null ? null : r.summary.test_accuracy.toFixed(4),
      `${r.summary.wall_s.toFixed(0)} s`,
    ];
  });
  md += markdownTable(['model', 'target ε', 'σ', 'ε spent', 'test accuracy', 'wall'], table);
  return { markdown: `${md}\n` };
}
