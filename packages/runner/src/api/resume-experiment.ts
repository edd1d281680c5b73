import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { errors } from '@starling/core';
import type { Logger } from 'pino';
import { RunDir } from '../artifacts/run-dir.js';
import type { LoadedCheckpoint } from '../checkpoint/checkpoint-store.js';
import { Checkpointing, configSha256 } from '../checkpoint/checkpointing.js';
import { truncateMetrics } from '../checkpoint/metrics-truncate.js';
import { validateConfig } from '../config/load.js';
import type { ExperimentConfig } from '../config/schema.js';
import { ALGORITHMS } from '../drivers/algorithms.js';
import { type RunOptions, runGuarded } from './run-experiment.js';
import type { RunSummary } from './run-summary.js';

/**
 * Options of {@link resumeExperiment}: those of `runExperiment` but `out` (the run folder is given).
 * `kernels` defaults to the backend the run recorded in meta.json (another backend gives other bits);
 * `baseDir` to the folder the run recorded.
 */
export type ResumeOptions = Omit<RunOptions, 'out'>;

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw errors.data(file, 'cannot be read as JSON', err);
  }
}

/** The newest verified checkpoint of the run, or a `usage` error (exit 2) saying why there is none. */
function loadCheckpoint(
  checkpoints: Checkpointing,
  path: string,
  cfg: ExperimentConfig,
  log: Logger,
): LoadedCheckpoint {
  const found = checkpoints.store.latest();
  const present = checkpoints.store.rounds();
  if (found === null) {
    if (present.length === 0) throw errors.usage(`${path} has no checkpoint to resume from (checkpoints/ is empty)`);
    throw errors.usage(`${path} has no usable checkpoint: all ${present.length} failed verification`);
  }
  for (const s of found.skipped) log.warn(s, 'checkpoint skipped: it failed verification');
  const body = found.body;
  if (body.run !== cfg.name) throw errors.usage(`${found.path} belongs to run ${body.run}, not ${cfg.name}`);
  const driver = ALGORITHMS[cfg.algorithm.kind].family;
  if (body.driver !== driver)
    throw errors.usage(`${found.path} holds a ${body.driver} run's state, not a ${driver} run's`);
  if (body.configSha256 !== configSha256(cfg)) {
    throw errors.usage(
      `${found.path} was written under another config than ${path}/config.resolved.json (SHA-256 differs)`,
    );
  }
  return found;
}

/**
 * Continues an interrupted run in its own folder from its newest valid checkpoint (`starling resume`).
 * Reads `<runDir>/config.resolved.json`, loads the newest checkpoint that verifies (damaged newer ones are
 * logged and skipped), cuts `metrics.jsonl` back to the checkpoint's round, records the resume in
 * meta.json (`resumed: [{ from_round, checkpoint, skipped, started_at }]`) and runs the remaining rounds.
 * The final model, summary and ε are those of the uninterrupted run (same seed, same kernel backend).
 * Refuses with a `usage` error (exit 2) a folder with no config, a completed run (summary.json
 * present), no usable checkpoint, or a checkpoint of another config.
 */
export async function resumeExperiment(runDir: string, options: ResumeOptions = {}): Promise<RunSummary> {
  const path = resolve(runDir);
  const configFile = join(path, 'config.resolved.json');
  if (!existsSync(configFile)) throw errors.usage(`${path} is not a run folder (no config.resolved.json)`);
  if (existsSync(join(path, 'summary.json'))) {
    throw errors.usage(`${path} is a completed run (summary.json exists); there is nothing to resume`);
  }
  const cfg = validateConfig(readJson(configFile), configFile);
  const metaFile = join(path, 'meta.json');
  const old = (existsSync(metaFile) ? readJson(metaFile) : {}) as Record<string, unknown>;
  const dir = new RunDir(path, 'existing');
  const log = options.log ?? dir.logger(options.logLevel ?? 'info', cfg.name);
  const driver = ALGORITHMS[cfg.algorithm.kind].family;
  const probe = new Checkpointing({ cfg, runPath: path, driver, log, meta: {} });
  const from = loadCheckpoint(probe, path, cfg, log);
  const round = from.body.round;
  const timeOffsetS = truncateMetrics(dir.file('metrics.jsonl'), round);
  const resumed = Array.isArray(old.resumed) ? old.resumed : [];
  const entry = {
    from_round: round,
    checkpoint: basename(from.path),
    skipped: from.skipped.map((s) => ({ checkpoint: basename(s.path), reason: s.reason })),
    started_at: options.startedAt?.toISOString() ?? null,
  };
  const baseDir = options.baseDir ?? (typeof old.base_dir === 'string' ? old.base_dir : resolve('.'));
  const meta = { base_dir: baseDir, started_at: old.started_at ?? null, resumed: [...resumed, entry] };
  const checkpoints = new Checkpointing({ cfg, runPath: path, driver, log, meta, from, timeOffsetS });
  log.info({ round, checkpoint: from.path, skipped: entry.skipped.length }, 'resuming run');
  const recorded = old.backend === 'native' || old.backend === 'js' ? old.backend : undefined;
  const kernels = options.kernels ?? recorded;
  return runGuarded(cfg, dir, log, checkpoints, { ...options, kernels, baseDir }, 'existing');
}
