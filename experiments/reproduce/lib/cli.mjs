// The real `starling` CLI in child processes: run a config into a kept run folder, report, verify.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMetrics } from './tables.mjs';

/** The repository root. */
export const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = join(repo, 'packages/cli/bin/starling.js');

function starling(args, { inherit = false } = {}) {
  return spawnSync(process.execPath, [bin, ...args], {
    cwd: repo,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', inherit ? 'inherit' : 'pipe'],
    maxBuffer: 64 * 2 ** 20,
  });
}

/**
 * Checks that this build knows the config (`starling run --dry-run`): throws a clear Error when it does
 * not, e.g. when the CNN (`model.kind: cnn-fedavg`) has not landed. @param {string} config
 */
export function checkConfig(config) {
  const r = starling(['run', config, '--dry-run']);
  if (r.status === 0) return;
  const why = r.stderr.trim();
  if (/model\.kind must be one of/.test(why) && /cnn-fedavg/.test(why)) {
    throw new Error(
      `this build of Starling has no CNN (model kind cnn-fedavg): ${why}\nRun with --model 2nn, or build a tree that has the CNN.`,
    );
  }
  throw new Error(`starling refused ${config}: ${why}`);
}

/**
 * `starling run <config> --out <out> --json` (progress on this process's stderr): returns the summary
 * and the metrics lines. Throws with the exit code on failure. @param {string} config @param {string} out
 * @param {string[]} flags extra flags (--kernels)
 */
export function runConfig(config, out, flags = []) {
  const r = starling(['run', config, '--out', out, '--json', ...flags], { inherit: true });
  if (r.status !== 0) throw new Error(`starling run ${config} failed (exit ${r.status})`);
  const summary = JSON.parse(r.stdout);
  const metrics = parseMetrics(readFileSync(join(out, 'metrics.jsonl'), 'utf8'));
  return { summary, metrics };
}

/** `starling repro verify <run> --json --quiet`: the result object (exit 0 or 1), or null with the error. */
export function verifyRun(runDir) {
  const r = starling(['repro', 'verify', runDir, '--json', '--quiet']);
  if (r.status === 0 || r.status === 1) return { result: JSON.parse(r.stdout), error: null };
  return { result: null, error: r.stderr.trim() };
}

/** `starling report <runs...> --out <file>`; returns null or the error text. */
export function report(runs, file) {
  if (runs.length === 0) return 'no runs';
  const r = starling(['report', ...runs, '--out', file]);
  return r.status === 0 ? null : r.stderr.trim();
}
