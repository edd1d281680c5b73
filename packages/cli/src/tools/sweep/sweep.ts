import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errors, StarlingError } from '@starling/core';
import { type CellRun, cellRuns, readSummary, runCell, runStatus } from './cell-runs.js';
import { csvTable, markdownTable, resultRows } from './results-table.js';
import { planSweep, type SweepFlags, type SweepPlan } from './sweep-plan.js';

/** The flags of `starling sweep`. */
export interface SweepCliOptions extends SweepFlags {
  readonly parallel: number;
  readonly kernels?: 'auto' | 'native' | 'js';
  readonly json: boolean;
}

const say = (line: string) => process.stderr.write(`sweep: ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Refuses a folder another live sweep is writing; otherwise takes it (`.sweep.lock` holds our pid). */
function lock(out: string): () => void {
  const file = join(out, '.sweep.lock');
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8'));
    let alive = false;
    try {
      alive = Number.isSafeInteger(pid) && pid !== process.pid && process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (alive) throw errors.usage(`--out ${out}: sweep process ${pid} is writing it (or delete ${file})`);
  }
  writeFileSync(file, String(process.pid));
  return () => rmSync(file, { force: true });
}

/**
 * Runs whose folder says `running` may belong to the children of a killed sweep, which stop at their
 * next round boundary: give them up to `waitMs` to settle before their folders are replaced.
 */
async function settle(runs: readonly CellRun[], waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs; // the CLI is the edge that reads the clock
  while (runs.some((r) => runStatus(r.dir) === 'running') && Date.now() < deadline) await sleep(250);
}

async function runAll(plan: SweepPlan, todo: CellRun[], options: SweepCliOptions, total: number): Promise<string[]> {
  const failed: string[] = [];
  let done = total - todo.length;
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const run = todo[next++];
      const t0 = performance.now();
      const end = await runCell(plan, run, options.kernels);
      done++;
      const what = `[${done}/${total}] ${run.cell.label} seed ${run.seed}`;
      const s = (performance.now() - t0) / 1000;
      if (end.code === 0 && runStatus(run.dir) === 'completed') {
        const acc = readSummary(run.dir).test_accuracy;
        say(`${what}: test_accuracy ${typeof acc === 'number' ? acc.toFixed(4) : '-'} in ${s.toFixed(1)} s`);
      } else {
        failed.push(`${run.cell.label} seed ${run.seed}`);
        say(`${what}: FAILED (exit ${end.code}): ${end.error}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.parallel, todo.length) }, worker));
  return failed;
}

function writeResults(plan: SweepPlan, runs: readonly CellRun[], json: boolean): void {
  const summaries = new Map<string, { seed: number; summary: Record<string, unknown> }[]>();
  for (const r of runs) {
    if (runStatus(r.dir) !== 'completed') continue;
    summaries.set(r.cell.slug, [...(summaries.get(r.cell.slug) ?? []), { seed: r.seed, summary: readSummary(r.dir) }]);
  }
  const rows = resultRows(plan.cells, summaries);
  const md = markdownTable(plan.keys, rows);
  writeFileSync(join(plan.out, 'results.md'), md);
  writeFileSync(join(plan.out, 'results.csv'), csvTable(plan.keys, rows));
  if (json) {
    const out = rows.map((r) => ({ cell: r.cell.label, sets: r.cell.sets, seeds: r.seeds, ...r.stats }));
    process.stdout.write(`${JSON.stringify({ out: plan.out, rows: out })}\n`);
  } else process.stdout.write(md);
}

/**
 * `starling sweep`: plans the grid (every cell validated first), then runs each (cell, seed) whose run
 * folder does not say `completed` in its meta.json, `--parallel` at a time, each as a `starling run`
 * child process; progress goes to stderr. Writes sweep.json (the plan), results.md and results.csv
 * (mean ± std over seeds) in the sweep folder and prints the table. A failed run is reported and the
 * others go on; the command then fails (exit 1) naming them.
 */
export async function sweepFromCli(options: SweepCliOptions): Promise<void> {
  if (!(Number.isInteger(options.parallel) && options.parallel >= 1)) {
    throw errors.usage(`--parallel must be a positive integer, got ${options.parallel}`);
  }
  const plan = planSweep(options);
  mkdirSync(plan.out, { recursive: true });
  const release = lock(plan.out);
  try {
    writeFileSync(join(plan.out, 'sweep.json'), `${JSON.stringify(plan, null, 2)}\n`);
    const runs = cellRuns(plan);
    await settle(runs, 15_000);
    const todo = runs.filter((r) => runStatus(r.dir) !== 'completed');
    const cells = `${plan.cells.length} cells x ${plan.seeds.length} seeds`;
    say(
      `${runs.length} runs (${cells}) in ${plan.out}: ${runs.length - todo.length} completed, ${todo.length} to run, ${options.parallel} at a time`,
    );
    const failed = await runAll(plan, todo, options, runs.length);
    writeResults(plan, runs, options.json);
    if (failed.length > 0) throw new StarlingError('runtime', `${failed.length} run(s) failed: ${failed.join('; ')}`);
  } finally {
    release();
  }
}
