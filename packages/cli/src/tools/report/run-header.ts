import type { RunData } from './load-run.js';

/** One row of the report's run table. */
export interface RunHeader {
  readonly name: string;
  readonly dir: string;
  /** `algorithm.kind` of config.resolved.json, or null. */
  readonly algorithm: string | null;
  /** meta.json `status` (`completed`, `interrupted`, `failed`, `running`), or `unknown` without meta.json. */
  readonly status: string;
  /** meta.json `reason` for interrupted and failed runs, else null. */
  readonly reason: string | null;
  readonly seed: number | null;
  /** Rounds recorded: summary.json `rounds`, else the number of metrics lines. */
  readonly rounds: number;
  /** Rounds planned (`algorithm.rounds`), or null. */
  readonly plannedRounds: number | null;
  /** summary.json `test_accuracy`, else the last evaluated accuracy in metrics.jsonl, or null. */
  readonly accuracy: number | null;
  /** `summary` when from summary.json, `last evaluated round` from metrics.jsonl, null when none. */
  readonly accuracyFrom: 'summary' | 'last evaluated round' | null;
  /** ε spent: summary.json `epsilon`, else the last non-null `epsilon` line, or null. */
  readonly epsilon: number | null;
  readonly modelSha256: string | null;
  /** A sentence for runs that did not complete (no summary.json), else null. */
  readonly incomplete: string | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function lastOf(run: RunData, field: string): number | null {
  for (let i = run.metrics.length - 1; i >= 0; i--) {
    const v = num(run.metrics[i][field]);
    if (v !== null) return v;
  }
  return null;
}

/** The header row of a run from its meta.json, summary.json, config and metrics. */
export function runHeader(run: RunData): RunHeader {
  const { meta, summary, config } = run;
  const algorithm = config && typeof config.algorithm === 'object' && config.algorithm !== null ? config.algorithm : {};
  const status = str(meta?.status) ?? 'unknown';
  const summaryAcc = num(summary?.test_accuracy);
  const lastAcc = lastOf(run, 'test_accuracy');
  const accuracy = summaryAcc ?? lastAcc;
  let incomplete: string | null = null;
  if (summary === null) {
    const why = str(meta?.reason);
    incomplete = `no summary.json (status ${status}${why ? `: ${why}` : ''}); plotted from the ${run.metrics.length} metrics lines`;
  }
  if (run.tornLine !== null) {
    const torn = `metrics.jsonl line ${run.tornLine} was torn (the run was killed while writing it) and is left out`;
    incomplete = incomplete === null ? torn : `${incomplete}; ${torn}`;
  }
  return {
    name: run.name,
    dir: run.dir,
    algorithm: 'kind' in algorithm ? str(algorithm.kind) : null,
    status,
    reason: str(meta?.reason),
    seed: num(meta?.seed) ?? num(config?.seed),
    rounds: num(summary?.rounds) ?? run.metrics.length,
    plannedRounds: 'rounds' in algorithm ? num(algorithm.rounds) : null,
    accuracy,
    accuracyFrom: summaryAcc !== null ? 'summary' : lastAcc !== null ? 'last evaluated round' : null,
    epsilon: summary ? num(summary.epsilon) : lastOf(run, 'epsilon'),
    modelSha256: str(summary?.model_sha256),
    incomplete,
  };
}
