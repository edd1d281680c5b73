import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SweepCell, SweepPlan } from './sweep-plan.js';

const bin = fileURLToPath(new URL('../../../bin/starling.js', import.meta.url));

/** One run of a sweep: a cell with a seed, in its own run folder. */
export interface CellRun {
  readonly cell: SweepCell;
  readonly seed: number;
  /** `<sweep>/<cell slug>/seed-<seed>`. */
  readonly dir: string;
}

/** Every run of the plan, cell by cell, seeds in the order given. */
export function cellRuns(plan: SweepPlan): CellRun[] {
  return plan.cells.flatMap((cell) =>
    plan.seeds.map((seed) => ({ cell, seed, dir: join(plan.out, cell.slug, `seed-${seed}`) })),
  );
}

/** The `status` in a run folder's meta.json, or null when there is none (not started, or unreadable). */
export function runStatus(dir: string): string | null {
  try {
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
    return typeof meta.status === 'string' ? meta.status : null;
  } catch {
    return null;
  }
}

/** The summary.json of a completed run. */
export function readSummary(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
}

/** How one run ended: its exit code and the last line it wrote on stderr. */
export interface RunEnd {
  readonly code: number | null;
  readonly error: string;
}

/**
 * Runs one cell with `starling run <config> --set ... --seed S --out DIR --json --quiet` in a child
 * process (a folder left by an earlier, unfinished attempt is removed first). The child gets an IPC
 * channel: when this process dies, even by SIGKILL, the channel closes and the child stops its run
 * (`interrupted`, at the next round boundary), so a killed sweep leaves no orphan training on.
 * `onSpawn` gets the child's pid (recorded in the sweep's lock, so a later sweep waits for it).
 */
export function runCell(
  plan: SweepPlan,
  run: CellRun,
  kernels: string | undefined,
  onSpawn: (pid: number | undefined) => void,
): Promise<RunEnd> {
  if (existsSync(run.dir)) rmSync(run.dir, { recursive: true, force: true });
  const sets = [...plan.sets, ...run.cell.sets.map((a) => `${a.key}=${a.value}`)];
  const args = [bin, 'run', plan.config, ...sets.flatMap((s) => ['--set', s])];
  args.push('--seed', String(run.seed), '--out', run.dir, '--json', '--quiet');
  if (kernels !== undefined) args.push('--kernels', kernels);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    onSpawn(child.pid);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.on('error', (err) => resolve({ code: null, error: err.message }));
    child.on('close', (code) => {
      const lines = stderr.trim().split('\n');
      resolve({ code, error: lines[lines.length - 1] ?? '' });
    });
  });
}
