import { describe, expect, it } from 'vitest';
import { planDp, renderDp } from '../../experiments/reproduce/dp.mjs';
import { parseArgs } from '../../experiments/reproduce/lib/args.mjs';
import {
  compareOrder,
  markdownTable,
  parseMetrics,
  roundsToTarget,
  speedup,
} from '../../experiments/reproduce/lib/tables.mjs';
import { PAPER, planTable2, renderTable2 } from '../../experiments/reproduce/table2.mjs';

const line = (round: number, acc: number | null) => ({ round, test_accuracy: acc });

describe('reproduction tables', () => {
  it('counts rounds to a target from the first evaluated line at or over it', () => {
    const lines = [line(0, 0.5), line(1, null), line(2, 0.8), line(3, 0.79), line(4, 0.9)];
    expect(roundsToTarget(lines, 0.8)).toBe(3);
    expect(roundsToTarget(lines, 0.85)).toBe(5);
    expect(roundsToTarget(lines, 0.95)).toBeNull();
    expect(parseMetrics('{"round":0,"test_accuracy":0.1}\n\n{"round":1}\n')).toEqual([
      { round: 0, test_accuracy: 0.1 },
      { round: 1 },
    ]);
  });

  it('gives the speed-up as the baseline rounds over the row rounds, null when either missed the target', () => {
    expect(speedup(626, 34)).toBeCloseTo(18.41, 2);
    expect(speedup(null, 34)).toBeNull();
    expect(speedup(626, null)).toBeNull();
  });

  it('finds the pairs ordered against the paper and Kendall tau', () => {
    const same = compareOrder([
      { setting: 'a', ours: 100, paper: 600 },
      { setting: 'b', ours: 50, paper: 60 },
      { setting: 'c', ours: 10, paper: 20 },
    ]);
    expect(same).toEqual({ tau: 1, pairs: 3, ties: 0, discordant: [] });
    const swapped = compareOrder([
      { setting: 'a', ours: 100, paper: 600 },
      { setting: 'b', ours: 5, paper: 60 },
      { setting: 'c', ours: 10, paper: 20 },
      { setting: 'd', ours: null, paper: 30 }, // missed the target: ranks last
    ]);
    expect(swapped.discordant).toEqual([
      { better: 'd', worse: 'a' },
      { better: 'c', worse: 'b' },
      { better: 'd', worse: 'b' },
    ]);
    expect(swapped.pairs).toBe(6);
    expect(swapped.tau).toBeCloseTo((3 - 3) / 6);
  });

  it('writes markdown tables with escaped pipes and a dash for null', () => {
    expect(
      markdownTable(
        ['a', 'b'],
        [
          [1, null],
          ['x|y', 'z'],
        ],
      ),
    ).toBe('| a | b |\n|---|---|\n| 1 | – |\n| x\\|y | z |\n');
  });

  it("holds the paper's Table 2 with speed-ups consistent with its round counts", () => {
    const fedsgd = PAPER.rows[0];
    for (const r of PAPER.rows) {
      expect(fedsgd.iid_rounds / r.iid_rounds).toBeCloseTo(r.iid_speedup, 1);
      expect(fedsgd.noniid_rounds / r.noniid_rounds).toBeCloseTo(r.noniid_speedup, 1);
    }
    expect(PAPER.rows.find((r: { setting: string }) => r.setting === 'E1-B10').iid_speedup).toBe(18.4);
  });

  it('plans Table 2 as FedSGD (B = ∞) and FedAvg rows over IID and 2-shard partitions, and renders them', () => {
    const o = parseArgs(['--quick', '--model', '2nn']);
    const plan = planTable2(o);
    expect(plan.rows).toHaveLength(10);
    const sgd = plan.rows[0].config.algorithm;
    expect(sgd).toMatchObject({ kind: 'fedsgd', batchSize: null, clients: 100, fraction: 0.1 });
    expect(plan.rows[9].config.algorithm).toMatchObject({
      kind: 'fedavg',
      localEpochs: 5,
      batchSize: 10,
      partition: { kind: 'shards', shardsPerClient: 2 },
    });
    // Fake metrics: FedSGD reaches the target at round 20, E5-B10 at round 2, the others never.
    const results = plan.rows.map((r: { setting: string }) => {
      const at = r.setting === 'fedsgd' ? 19 : r.setting === 'E5-B10' ? 1 : -1;
      const metrics = [0, 1, 19].map((k) => line(k, k === at ? 0.99 : 0.1));
      return { ...r, metrics, summary: { test_accuracy: 0.5 } };
    });
    const { markdown, order } = renderTable2(plan, results, o);
    expect(markdown).toMatch(/\| FedAvg \| 5 \| 10 \| 0\.05 \| 2 \| 10\.0× \| 20 \| 31\.3× \|/);
    expect(markdown).toMatch(/\| FedAvg \| 1 \| 10 \| 0\.05 \| > 30 \| – \| 34 \| 18\.4× \|/);
    expect(order[0].discordant.length).toBeGreaterThan(0);
  });

  it('plans DP-SGD at eps 1, 3, 8 and without privacy, for the MLP and (with --model cnn) the CNN', () => {
    const mlpOnly = planDp(parseArgs(['--model', '2nn']));
    expect(mlpOnly.rows.map((r: { name: string }) => r.name)).toEqual([
      'dp-mlp-eps1',
      'dp-mlp-eps3',
      'dp-mlp-eps8',
      'dp-mlp-nonprivate',
    ]);
    expect(mlpOnly.rows[1].config.privacy).toEqual({ mode: 'dpsgd', targetEpsilon: 3, delta: 1e-5, clipNorm: 1 });
    expect(mlpOnly.rows[3].config.privacy).toBeUndefined();
    const both = planDp(parseArgs([]));
    expect(both.rows).toHaveLength(8);
    expect(both.rows[4].config.model).toEqual({ kind: 'cnn-fedavg' });
    const summary = (eps: number | null) => ({
      epsilon: eps,
      test_accuracy: 0.8,
      wall_s: 3,
      privacy: eps === null ? undefined : { noise_multiplier: 1.25 },
    });
    const results = mlpOnly.rows.map((r: { eps: number | null }) => ({ ...r, summary: summary(r.eps) }));
    const { markdown } = renderDp(mlpOnly, results);
    expect(markdown).toContain('| MLP 784-128-10 tanh | 3 | 1.250 | 3.000 | 0.8000 | 3 s |');
    expect(markdown).toContain('| MLP 784-128-10 tanh | non-private | – | ∞ | 0.8000 | 3 s |');
  });

  it('--short: subsets, per-partition targets, rows stopped at their target; --partition keeps one partition', () => {
    const o = parseArgs(['--short', '--partition', 'iid']);
    const plan = planTable2(o);
    expect(plan.rows.map((r: { setting: string }) => r.setting)).toEqual([
      'fedsgd',
      'E1-B50',
      'E1-B10',
      'E5-B50',
      'E5-B10',
    ]);
    expect(plan.rows[0].config.data).toMatchObject({ limit: 20000, testLimit: 2000 });
    expect(plan.rows[0].config.algorithm.rounds).toBe(150);
    expect(plan.rows.every((r: { stopAt: number }) => r.stopAt === 0.8)).toBe(true);
    expect(planTable2(parseArgs(['--short', '--partition', 'noniid'])).rows[0].stopAt).toBe(0.7);
    expect(planTable2(parseArgs(['--quick'])).rows[0].stopAt).toBeNull();
    // FedSGD reaches 80% at round 68 and was stopped after round 69; E5-B10 at round 2.
    const results = plan.rows.map((r: { setting: string }) => {
      const at = r.setting === 'fedsgd' ? 67 : r.setting === 'E5-B10' ? 1 : 9;
      const metrics = [0, at].map((k) => line(k, k === at ? 0.81 : 0.1));
      return { ...r, metrics, summary: { test_accuracy: 0.81, stopped_after: `stopped after round ${at + 2}` } };
    });
    const { markdown } = renderTable2(plan, results, o);
    expect(markdown).toContain('Rounds to reach 80% (IID) / 70% (non-IID) test accuracy');
    expect(markdown).toContain('| FedAvg | 5 | 10 | 0.05 | 2 | 34.0× | 20 | 31.3× | 0.8100 (stopped after round 3) |');
    expect(markdown).not.toContain('non-IID (2 shards');
    expect(markdown).not.toContain('Pathological');
    const dp = planDp(parseArgs(['--short']));
    expect(dp.epochs).toBe(1);
    expect(dp.rows[4].config.data).not.toHaveProperty('limit'); // all the training data: only the epochs are cut
    expect(() => parseArgs(['--short', '--quick'])).toThrow(/give one/);
    expect(() => parseArgs(['--partition', 'dirichlet'])).toThrow(/--partition must be iid or noniid/);
  });

  it('refuses unknown options, tables and models', () => {
    expect(() => parseArgs(['--only', 'table9'])).toThrow(/unknown table table9/);
    expect(() => parseArgs(['--model', 'resnet'])).toThrow(/--model must be cnn or 2nn/);
    expect(() => parseArgs(['--fast'])).toThrow(/unknown option --fast/);
    expect(parseArgs([])).toMatchObject({ quick: false, model: 'cnn', only: ['table2', 'dp'] });
  });
});
