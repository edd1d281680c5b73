// One `starling run` of the sweep scripts in experiments/: the CLI in a child process (needs `npx tsc -b`
// first), its --json summary parsed, the run folder read by `read` and then removed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(repo, 'packages/cli/bin/starling.js');

/**
 * Runs `starling run <config> --set s... [--seed seed]` in a fresh temporary folder and returns
 * `{ summary, extra }`: the summary from --json and what `read(folder)` returned before the folder was
 * removed. Throws with the CLI's stderr on a non-zero exit.
 * @param {string} config @param {string[]} sets @param {number | null} seed
 * @param {(out: string) => unknown} [read]
 */
export function runStarling(config, sets, seed, read = () => null) {
  const out = mkdtempSync(join(tmpdir(), 'starling-sweep-'));
  rmSync(out, { recursive: true });
  const args = [bin, 'run', config, '--json', '--quiet', '--out', out, ...sets.flatMap((s) => ['--set', s])];
  if (seed !== null) args.push('--seed', String(seed));
  const r = spawnSync(process.execPath, args, { cwd: repo, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`starling run failed (exit ${r.status}): ${r.stderr.trim()}`);
  try {
    return { summary: JSON.parse(r.stdout), extra: read(out) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
