import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { errors, StarlingError } from '@starling/core';
import { writeReport } from '../report/report.js';
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

function alive(pid: unknown): pid is number {
  if (!(typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid)) return false;
  try {
    return process.kill(pid, 0);
  } catch {
    return false;
  }
}

/**
 * The sweep folder's lock, `.sweep.lock`: this process's pid and the pid of every run it started. A
 * folder whose lock names a live sweep is refused; the runs a dead sweep left are waited for (they stop
 * at their next round boundary once their sweep is gone) before their folders are replaced.
 */
class SweepLock {
  private readonly file: string;
  private readonly runs: Record<string, number> = {};

  constructor(out: string) {
    this.file = join(out, '.sweep.lock');
  }

  /** Takes the folder; returns the pids of runs an earlier sweep left (maybe still stopping). */
  take(): number[] {
    let old: { pid?: unknown; runs?: Record<string, unknown> } = {};
    try {
      old = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      // no lock, or a torn one: nobody to wait for
    }
    if (alive(old.pid)) {
      throw errors.usage(
        `--out ${dirname(this.file)}: sweep process ${old.pid} is writing it (or delete ${this.file})`,
      );
    }
    this.write();
    return Object.values(old.runs ?? {}).filter(alive);
  }

  started(dir: string, pid: number | undefined): void {
    if (pid !== undefined) this.runs[dir] = pid;
    this.write();
  }

  private write(): void {
    writeFileSync(this.file, JSON.stringify({ pid: process.pid, runs: this.runs }));
  }

  release(): void {
    rmSync(this.file, { force: true });
  }
}

/** Waits up to `waitMs` for the runs of a killed sweep to exit. */
async function settle(pids: readonly number[], waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs; // the CLI is the edge that reads the clock
  while (pids.some(alive) && Date.now() < deadline) await sleep(250);
}

async function runAll(
  plan: SweepPlan,
  todo: CellRun[],
  options: SweepCliOptions,
  total: number,
  lock: SweepLock,
): Promise<string[]> {
  const failed: string[] = [];
  let done = total - todo.length;
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const run = todo[next++];
      const t0 = performance.now();
      const end = await runCell(plan, run, options.kernels, (pid) => lock.started(run.dir, pid));
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

/** Writes `report.html` (starling report) over the completed runs; a failure is said, not fatal. */
function writeSweepReport(plan: SweepPlan, runs: readonly CellRun[]): void {
  const done = runs.filter((r) => runStatus(r.dir) === 'completed').map((r) => r.dir);
  if (done.length === 0) return;
  const file = join(plan.out, 'report.html');
  try {
    writeReport(done, file, `Sweep ${plan.name}`);
    say(`report: ${file} (${done.length} runs)`);
  } catch (err) {
    say(`report not written: ${err instanceof Error ? err.message : String(err)}`);
  }
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
 * (mean ± std over seeds) and report.html (`starling report` over the completed runs) in the sweep folder
 * and prints the table. A failed run is reported and the
 * others go on; the command then fails (exit 1) naming them.
 */
export async function sweepFromCli(options: SweepCliOptions): Promise<void> {
  if (!(Number.isInteger(options.parallel) && options.parallel >= 1)) {
    throw errors.usage(`--parallel must be a positive integer, got ${options.parallel}`);
  }
  const plan = planSweep(options);
  mkdirSync(plan.out, { recursive: true });
  const lock = new SweepLock(plan.out);
  const leftover = lock.take();
  try {
    writeFileSync(join(plan.out, 'sweep.json'), `${JSON.stringify(plan, null, 2)}\n`);
    const runs = cellRuns(plan);
    if (leftover.length > 0) say(`waiting for ${leftover.length} run(s) of an earlier sweep to stop`);
    await settle(leftover, 60_000);
    const todo = runs.filter((r) => runStatus(r.dir) !== 'completed');
    const cells = `${plan.cells.length} cells x ${plan.seeds.length} seeds`;
    say(
      `${runs.length} runs (${cells}) in ${plan.out}: ${runs.length - todo.length} completed, ${todo.length} to run, ${options.parallel} at a time`,
    );
    const failed = await runAll(plan, todo, options, runs.length, lock);
    writeResults(plan, runs, options.json);
    writeSweepReport(plan, runs);
    if (failed.length > 0) throw new StarlingError('runtime', `${failed.length} run(s) failed: ${failed.join('; ')}`);
  } finally {
    lock.release();
  }
}
