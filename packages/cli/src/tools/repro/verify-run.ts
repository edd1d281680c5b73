import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errors } from '@starling/core';
import { type ExperimentConfig, type RunOptions, runExperiment, validateConfig } from '@starling/runner';
import { type FinishedRun, readFinishedRun } from './finished-run.js';

/** Runtimes a run can be re-run in on this machine (a cluster run is re-run in one of these). */
export type LocalRuntime = 'inline' | 'threads' | 'processes';

/** Options of {@link verifyRun}. */
export interface VerifyOptions {
  /** Re-run in this runtime (default: the one the run used; required for a cluster run). */
  readonly runtime?: LocalRuntime;
  /** Re-run with this kernel backend (default: the one meta.json recorded; another one gives other bits). */
  readonly kernels?: 'js' | 'native';
  /** Folder the temporary re-run folder is made in (default the OS temp folder). */
  readonly tempRoot?: string;
  /** Keep the re-run's folder when the bits are identical too (it is always kept when they differ). */
  readonly keep?: boolean;
  /** Passed to `runExperiment` (signal, startedAt, onStart, onRound, logLevel). */
  readonly run?: Pick<RunOptions, 'signal' | 'startedAt' | 'onStart' | 'onRound' | 'logLevel'>;
}

/** The outcome of {@link verifyRun}; `--json` prints it as is. */
export interface VerifyResult {
  /** True when the re-run's model hash equals both the recorded hash and the hash of model.bin. */
  readonly identical: boolean;
  /** The run folder verified. */
  readonly run: string;
  readonly name: string;
  /** SHA-256 of the re-run's model.bin. */
  readonly rerun_sha256: string;
  /** `model_sha256` in the run's summary.json. */
  readonly summary_sha256: string;
  /** SHA-256 of the run's model.bin as it is now. */
  readonly model_file_sha256: string;
  /** What differs from the re-run: `summary.json` (its model_sha256) and/or `model.bin`; empty when identical. */
  readonly differs: readonly ('summary.json' | 'model.bin')[];
  readonly rounds: number;
  /** Runtime and kernel backend of the re-run, and those the run recorded. */
  readonly runtime: string;
  readonly recorded_runtime: string;
  readonly backend: string;
  readonly recorded_backend: string;
  /** SIMD level of the native kernels in the re-run and in the run (null for js / not recorded). */
  readonly simd: string | null;
  readonly recorded_simd: string | null;
  /** The re-run's folder when kept (bits differ, or `keep`), else null. */
  readonly rerun_out: string | null;
  readonly wall_s: number;
  /** Things that may explain a difference (another SIMD level, another runtime). */
  readonly notes: readonly string[];
}

const LOCAL: readonly string[] = ['inline', 'threads', 'processes'];

/** The config to re-run: the recorded one, in `runtime` (its other options kept when the kind is unchanged). */
function rerunConfig(run: FinishedRun, runtime: LocalRuntime | undefined): ExperimentConfig {
  const recorded = run.cfg.runtime.kind;
  if (runtime === undefined && !LOCAL.includes(recorded)) {
    throw errors.usage(
      `${run.path} ran in the ${recorded} runtime; pick a local one with --runtime inline|threads|processes`,
    );
  }
  if (runtime === undefined || runtime === recorded) return run.cfg;
  // Validated again so the runtime's own defaults are filled in as a fresh run would have them.
  return validateConfig({ ...run.cfg, runtime: { kind: runtime } }, join(run.path, 'config.resolved.json'));
}

function recordedBackend(run: FinishedRun): 'js' | 'native' {
  const b = run.meta.backend;
  if (b !== 'js' && b !== 'native')
    throw errors.data(join(run.path, 'meta.json'), `backend must be js or native, got ${String(b)}`);
  return b;
}

/**
 * Re-runs a completed run from its folder and compares model bits (`starling repro verify`): the
 * config.resolved.json (its seed included), the kernel backend meta.json recorded (or `kernels`), the
 * runtime it used (or `runtime`), data paths resolved against the recorded `base_dir`; the re-run goes
 * to a temporary folder. The re-run's `model_sha256` is compared with BOTH summary.json's and the SHA-256
 * of model.bin in the folder, so an altered model file or an altered summary is caught. A synchronous
 * run is bit-identical across runtimes for a seed and backend (docs/runtimes.md), so another runtime
 * should verify too; another SIMD level of the native kernels may not, and is named in `notes`.
 * Refusals (not a run folder, not completed, unreadable files) throw usage-class errors (exit code 2).
 */
export async function verifyRun(runDir: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const run = readFinishedRun(runDir);
  const cfg = rerunConfig(run, options.runtime);
  const recordedKernels = recordedBackend(run);
  const kernels = options.kernels ?? recordedKernels;
  const baseDir = typeof run.meta.base_dir === 'string' ? run.meta.base_dir : undefined;
  const temp = mkdtempSync(join(options.tempRoot ?? tmpdir(), 'starling-repro-'));
  const out = join(temp, 'run');
  let keep = options.keep === true;
  try {
    const summary = await runExperiment(cfg, { ...options.run, out, kernels, ...(baseDir ? { baseDir } : {}) });
    const differs: ('summary.json' | 'model.bin')[] = [];
    if (summary.model_sha256 !== run.summary.model_sha256) differs.push('summary.json');
    if (summary.model_sha256 !== run.modelFileSha256) differs.push('model.bin');
    keep ||= differs.length > 0;
    const recordedSimd = typeof run.meta.simd === 'string' ? run.meta.simd : null;
    const notes: string[] = [];
    if (summary.backend === 'native' && recordedKernels === 'native' && summary.simd !== recordedSimd) {
      notes.push(
        `SIMD level ${summary.simd ?? 'none'} here, ${recordedSimd ?? 'none'} in the run: native bits may differ between levels`,
      );
    }
    if (kernels !== recordedKernels)
      notes.push(`kernels ${kernels} here, ${recordedKernels} in the run: other bits are expected`);
    const commits = [run.meta.git_commit, rerunCommit(out)];
    if (commits.every((c) => typeof c === 'string') && commits[0] !== commits[1]) {
      notes.push(
        `commit ${String(commits[1]).slice(0, 12)} here, ${String(commits[0]).slice(0, 12)} in the run: a kernel may have changed its sums between them (docs/native.md says which changes move bits)`,
      );
    }
    return {
      identical: differs.length === 0,
      run: run.path,
      name: run.cfg.name,
      rerun_sha256: summary.model_sha256,
      summary_sha256: run.summary.model_sha256,
      model_file_sha256: run.modelFileSha256,
      differs,
      rounds: summary.rounds,
      runtime: cfg.runtime.kind,
      recorded_runtime: run.cfg.runtime.kind,
      backend: summary.backend,
      recorded_backend: recordedKernels,
      simd: summary.simd,
      recorded_simd: recordedSimd,
      rerun_out: keep ? out : null,
      wall_s: summary.wall_s,
      notes,
    };
  } finally {
    if (!keep) rmSync(temp, { recursive: true, force: true });
  }
}

/** The git commit the re-run recorded in its meta.json, or null. */
function rerunCommit(out: string): unknown {
  try {
    return JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')).git_commit ?? null;
  } catch {
    return null;
  }
}
