// McMahan et al. 2017, Table 2 in shape: rounds to a target accuracy for FedSGD and FedAvg, IID and
// pathological non-IID (2 shards per client), 100 clients, C = 0.1; speed-up over FedSGD next to the
// paper's (paper-values.json), and the ordering of the settings checked against the paper's.
import { readFileSync } from 'node:fs';
import { budgets, dataSection, estimateSeconds, modelSection, versionOf } from './lib/profiles.mjs';
import { compareOrder, markdownTable, roundsCell, roundsToTarget, speedup, times } from './lib/tables.mjs';

/** The settings run, as the paper names them (B = null: the whole local data, B = ∞). */
export const SETTINGS = [
  { setting: 'fedsgd', label: 'FedSGD', E: 1, B: null, lr: 0.2 },
  { setting: 'E1-B50', label: 'FedAvg', E: 1, B: 50, lr: 0.05 },
  { setting: 'E1-B10', label: 'FedAvg', E: 1, B: 10, lr: 0.05 },
  { setting: 'E5-B50', label: 'FedAvg', E: 5, B: 50, lr: 0.05 },
  { setting: 'E5-B10', label: 'FedAvg', E: 5, B: 10, lr: 0.05 },
];

const PARTITIONS = [
  { key: 'iid', label: 'IID', partition: { kind: 'iid' } },
  { key: 'noniid', label: 'non-IID (2 shards)', partition: { kind: 'shards', shardsPerClient: 2 } },
];

export const PAPER = JSON.parse(readFileSync(new URL('./paper-values.json', import.meta.url), 'utf8'));

/** One config per (partition, setting): the rows of the table. */
export function planTable2(o) {
  const data = dataSection(versionOf(o), 'table2');
  const { rounds, targets, stopAtTarget } = budgets(versionOf(o), o.model).table2;
  const rows = [];
  for (const p of PARTITIONS.filter((x) => (o.partitions ?? ['iid', 'noniid']).includes(x.key))) {
    for (const s of SETTINGS) {
      const common = { rounds, clients: 100, fraction: 0.1, partition: p.partition };
      const algorithm =
        s.B === null
          ? { kind: 'fedsgd', ...common, batchSize: null }
          : { kind: 'fedavg', ...common, localEpochs: s.E, batchSize: s.B };
      const name = `table2-${o.model}-${p.key}-${s.setting}`;
      const config = {
        name,
        seed: 1,
        data: data.data,
        model: modelSection(o.model),
        loss: { kind: 'softmax_ce' },
        optimizer: { kind: 'sgd', lr: s.lr },
        algorithm,
        runtime: { kind: o.runtime },
        eval: { every: 1 },
      };
      const examples = rounds * 0.1 * data.train * s.E;
      const estimate = estimateSeconds(o.model, rounds, examples, rounds * data.test);
      const stopAt = stopAtTarget ? targets[p.key] : null;
      rows.push({ name, config, partition: p.key, ...s, estimate, stopAt });
    }
  }
  return { rows, rounds, targets, stopAtTarget, data };
}

/** The markdown of the table from finished rows (`row.metrics`, `row.summary`). */
export function renderTable2(plan, results, o) {
  const { rounds, targets, data } = plan;
  const paperBy = Object.fromEntries(PAPER.rows.map((r) => [r.setting, r]));
  const parts = ['iid', 'noniid'].filter((p) => results.some((r) => r.partition === p));
  const pct = (x) => `${(x * 100).toFixed(0)}%`;
  const goal =
    targets.iid === targets.noniid ? pct(targets.iid) : `${pct(targets.iid)} (IID) / ${pct(targets.noniid)} (non-IID)`;
  let md = `## McMahan et al. 2017, Table 2 in shape (${data.name}, ${o.model === 'cnn' ? 'CNN' : '2NN'})\n\n`;
  md += `Rounds to reach ${goal} test accuracy (100 clients, C = 0.1, ${data.train} training and ${data.test} test examples, at most ${rounds} rounds, seed 1`;
  md += plan.stopAtTarget ? ', each run stopped once it reached its target); ' : '); ';
  md += `speed-up = FedSGD's rounds / the row's. The paper's columns are its Table 2 (${PAPER.dataset}, ${PAPER.model}, target ${PAPER.target_accuracy * 100}%; paper-values.json): compare the shape, not the numbers.\n\n`;
  const order = [];
  for (const part of parts) {
    const target = targets[part];
    const rows = results.filter((r) => r.partition === part);
    const base = roundsToTarget(rows.find((r) => r.setting === 'fedsgd')?.metrics ?? [], target);
    const table = [];
    const ranks = [];
    for (const r of rows) {
      const ours = roundsToTarget(r.metrics, target);
      const paper = paperBy[r.setting];
      const s = speedup(base, ours);
      const bound = base === null && ours !== null ? `> ${(rounds / ours).toFixed(1)}×` : times(s);
      const paperRounds = paper ? paper[`${part}_rounds`] : null;
      const paperSpeed = paper ? `${paper[`${part}_speedup`].toFixed(1)}×` : 'paper value not available here';
      const acc = r.summary.test_accuracy;
      table.push([
        r.label,
        r.E,
        r.B ?? '∞',
        r.lr,
        r.summary.failed ? 'failed' : roundsCell(ours, rounds),
        bound,
        paperRounds,
        paperSpeed,
        acc === null ? null : `${acc.toFixed(4)}${r.summary.stopped_after ? ` (${r.summary.stopped_after})` : ''}`,
      ]);
      if (paper) ranks.push({ setting: r.setting, ours, paper: paperRounds });
    }
    const cmp = compareOrder(ranks);
    order.push({ part, ...cmp });
    md += `### ${part === 'iid' ? 'IID' : 'Pathological non-IID (2 shards of one label per client)'}\n\n`;
    const accHead = plan.stopAtTarget ? 'last acc (round run to)' : `final acc (round ${rounds})`;
    md += markdownTable(['', 'E', 'B', 'lr', 'rounds', 'speed-up', 'paper rounds', 'paper speed-up', accHead], table);
    md += `\nOrdering vs the paper (by rounds, ${cmp.pairs} pairs): Kendall τ = ${cmp.tau === null ? '–' : cmp.tau.toFixed(2)}; `;
    md +=
      cmp.discordant.length === 0
        ? "no pair against the paper's order"
        : `against the paper's order: ${cmp.discordant.map((d) => `${d.worse} before ${d.better}`).join(', ')}`;
    md +=
      cmp.ties === 0
        ? '.\n\n'
        : `; ${cmp.ties} pair${cmp.ties === 1 ? '' : 's'} tied here (equal rounds, or both missed the target).\n\n`;
  }
  return { markdown: md, order };
}
