import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@starling/core';
import { repo, starling, tempDir } from '../cli/cli-helpers.js';
import { metrics, waitFor } from './e2e-helpers.js';

/** A run folder's metrics lines (metrics.jsonl, parsed) without their wall-clock `time_s`. */
export function metricsWithoutTime(dir: string): Record<string, unknown>[] {
  return readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const { time_s: _t, ...rest } = JSON.parse(l);
      return rest;
    });
}

/** One kill-and-resume scenario: a `starling run` argument list and when to kill it. */
export interface KillResumeCase {
  /** `starling run` arguments without `--out` and `--json` (config file and `--set` overrides). */
  readonly args: readonly string[];
  /** Rounds the run plans (`algorithm.rounds` in `args`). */
  readonly rounds: number;
  /** `checkpoint.every` for the killed run. */
  readonly every: number;
  /** Seeds the choice of the round after which the run is killed (a test picks it, not the library). */
  readonly seed: number;
  /** Damage the newest checkpoint before resuming: the resume must fall back to the one before. */
  readonly truncateNewest?: boolean;
}

/** What a scenario gave: the uninterrupted run's summary, the resumed one's, and what happened between. */
export interface KillResumeOutcome {
  readonly reference: Record<string, unknown>;
  readonly resumed: Record<string, unknown>;
  /** The last round in metrics.jsonl when the run was killed. */
  readonly killedAfter: number;
  /** The checkpoint rounds on disk when the run was killed, newest first. */
  readonly checkpointsAtKill: number[];
  /** meta.json of the resumed run. */
  readonly meta: Record<string, unknown>;
  readonly out: string;
  readonly resumeStderr: string;
}

/**
 * Starts `starling <args>` (js kernels) as the leader of a new process group, so that `killGroup`
 * SIGKILLs it together with the host processes it spawned (a crashed machine: no host outlives it).
 */
function startGroup(args: string[]): { killGroup: () => void; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [join(repo, 'packages/cli/bin/starling.js'), ...args], {
    cwd: repo,
    env: { ...process.env, STARLING_KERNELS: 'js' },
    detached: true,
    stdio: 'ignore',
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const killGroup = () => {
    try {
      process.kill(-(child.pid ?? 0), 'SIGKILL');
    } catch {
      // already gone
    }
  };
  return { killGroup, exit };
}

const checkpointRounds = (dir: string): number[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .map((n) => /^round-(\d+)\.ckpt$/.exec(n))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => Number(m[1]))
        .sort((a, b) => b - a)
    : [];

/**
 * Runs `c.args` once uninterrupted (with `checkpoint.every=0`: no checkpoint at all) for reference,
 * then again with `checkpoint.every=c.every`, SIGKILLs that run (and every host process it spawned) once metrics.jsonl shows a round at or
 * after one drawn from `Rng.fromSeed(c.seed)` among those after which a checkpoint (two with
 * `truncateNewest`) exists, optionally truncates the newest checkpoint, and runs `starling resume`.
 * Both runs use the js kernels (STARLING_KERNELS=js, as every e2e test). Throws when the run finished
 * before it could be killed (make the run longer or slower).
 */
export async function killAndResume(c: KillResumeCase): Promise<KillResumeOutcome> {
  const base = tempDir('starling-resume-');
  const refOut = join(base, 'reference');
  const ref = starling(['run', ...c.args, '--set', 'checkpoint.every=0', '--out', refOut, '--json', '--quiet'], {
    STARLING_KERNELS: 'js',
  });
  if (ref.code !== 0) throw new Error(`reference run failed (${ref.code}): ${ref.stderr}`);
  const out = join(base, 'killed');
  const needed = c.truncateNewest ? 2 : 1;
  const first = needed * c.every - 1; // the first round after which enough checkpoints exist
  const last = c.rounds - 3; // leave rounds to resume
  if (last < first) throw new Error(`no room to kill: rounds ${c.rounds}, every ${c.every}`);
  const target = first + Rng.fromSeed(c.seed).int(last - first + 1);
  const run = startGroup(['run', ...c.args, '--set', `checkpoint.every=${c.every}`, '--out', out, '--quiet']);
  const reached = () => {
    const m = metrics(out);
    return m.length > 0 && Number(m[m.length - 1].round) >= target;
  };
  let finished = false;
  void run.exit.then(() => (finished = true));
  await waitFor(
    () => finished || (reached() && checkpointRounds(join(out, 'checkpoints')).length >= needed),
    240_000,
    `round ${target}`,
  );
  run.killGroup();
  await run.exit;
  if (existsSync(join(out, 'summary.json'))) throw new Error(`the run finished before round ${target} was seen`);
  const m = metrics(out);
  const killedAfter = Number(m[m.length - 1]?.round ?? -1);
  const checkpointsAtKill = checkpointRounds(join(out, 'checkpoints'));
  if (c.truncateNewest) {
    const newest = join(out, 'checkpoints', `round-${String(checkpointsAtKill[0]).padStart(6, '0')}.ckpt`);
    truncateSync(newest, Math.floor(statSync(newest).size / 2));
  }
  const res = starling(['resume', out, '--json', '--quiet'], { STARLING_KERNELS: 'js' });
  if (res.code !== 0) throw new Error(`resume failed (${res.code}): ${res.stderr}`);
  const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
  return {
    reference: JSON.parse(ref.stdout),
    resumed: JSON.parse(res.stdout),
    killedAfter,
    checkpointsAtKill,
    meta,
    out,
    resumeStderr: res.stderr,
  };
}
