// The real `starling` CLI in child processes: run a config into a kept run folder, report, verify.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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

/**
 * `starling run <config> --out <out> --json` stopped once a metrics line reaches `target` test accuracy:
 * polls metrics.jsonl every 2 s and sends SIGTERM at the first line at or over the target (an inline run
 * stops after the round in progress: meta.json `status: interrupted`, no summary or model). Returns a
 * summary built from the metrics and meta.json (`stopped_after`: the rounds run) and the metrics lines, or
 * runConfig's result when the run ended without reaching the target. Throws when the run failed.
 * @param {string} config @param {string} out @param {string[]} flags @param {number} target
 */
export function runConfigUntil(config, out, flags, target) {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bin, 'run', config, '--out', out, '--json', ...flags], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    let stopped = false;
    child.stdout.on('data', (b) => {
      stdout += b;
    });
    const file = join(out, 'metrics.jsonl');
    const poll = setInterval(() => {
      if (stopped || !existsSync(file)) return;
      const reached = parseMetrics(readFileSync(file, 'utf8')).some(
        (l) => typeof l.test_accuracy === 'number' && l.test_accuracy >= target,
      );
      if (reached) {
        stopped = true;
        child.kill('SIGTERM');
      }
    }, 2000);
    child.on('close', (code) => {
      clearInterval(poll);
      const metrics = existsSync(file) ? parseMetrics(readFileSync(file, 'utf8')) : [];
      if (code === 0) return done({ summary: JSON.parse(stdout), metrics });
      if (!stopped) return fail(new Error(`starling run ${config} failed (exit ${code})`));
      const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
      const last = [...metrics].reverse().find((l) => typeof l.test_accuracy === 'number');
      const wall = metrics.length > 0 ? (metrics[metrics.length - 1].time_s ?? 0) : 0;
      const summary = {
        test_accuracy: last?.test_accuracy ?? null,
        stopped_after: `stopped after round ${metrics.length}`,
        wall_s: wall,
        backend: meta.kernels?.backend ?? meta.backend ?? null,
        simd: meta.kernels?.simd ?? meta.simd ?? null,
        runtime: meta.runtime?.kind ?? meta.runtime ?? null,
        epsilon: null,
      };
      done({ summary, metrics });
    });
  });
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
