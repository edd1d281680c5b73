// A worker process that reads its tasks late must lose nothing: one of the two host processes of a
// `processes` run is stopped and continued over and over (SIGSTOP/SIGCONT, as a loaded machine
// deschedules it), so its tasks often wait while the other host trains and answers. With a compressed
// uplink (updates arrive as payloads, outside the round's shared slot) the server once let go of the slot
// at the first such update; the late host then found the round's model gone, its nodes failed with
// `stale-model`, and the run ended on another model. The run must match an undisturbed one bit for bit.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repo, starling, tempDir } from '../cli/cli-helpers.js';
import { childPids, efTopkOverProcesses, metrics } from './e2e-helpers.js';

const bin = join(repo, 'packages/cli/bin/starling.js');
const ROUNDS = 12;
const args = [...efTopkOverProcesses(ROUNDS), '--set', 'eval.every=100'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('processes: a host that reads its tasks late', () => {
  it('stopped and continued again and again, it loses no node and the model is the undisturbed one', async () => {
    const ref = starling(['run', ...args, '--out', join(tempDir(), 'reference'), '--json', '--quiet'], {
      STARLING_KERNELS: 'js',
    });
    expect(ref.code, ref.stderr).toBe(0);
    const out = join(tempDir(), 'late');
    const cli = spawn(process.execPath, [bin, 'run', ...args, '--out', out, '--json', '--quiet'], {
      cwd: repo,
      env: { ...process.env, STARLING_KERNELS: 'js' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    cli.stdout.on('data', (c) => (stdout += c));
    cli.stderr.on('data', (c) => (stderr += c));
    let running = true;
    const exit = new Promise<number | null>((r) => cli.on('exit', r)).finally(() => (running = false));
    let late = 0;
    let stops = 0;
    try {
      while (running && (late === 0 || metrics(out).length < ROUNDS)) {
        if (late === 0) {
          const hosts = childPids(cli.pid ?? -1);
          if (hosts.length === 2 && metrics(out).length > 0) late = hosts[1];
          await sleep(20);
          continue;
        }
        // stopped 100 ms out of every 110 (the heartbeat timeout is 2 s: never taken for lost): a task that
        // comes as a round closes mostly finds it stopped
        process.kill(late, 'SIGSTOP');
        stops++;
        await sleep(100);
        process.kill(late, 'SIGCONT');
        await sleep(10);
      }
    } finally {
      if (late > 0) {
        try {
          process.kill(late, 'SIGCONT');
        } catch {
          // gone with the run
        }
      }
    }
    expect(await exit, stderr).toBe(0);
    expect(stops).toBeGreaterThan(5);
    const lines = metrics(out);
    expect(lines).toHaveLength(ROUNDS);
    for (const l of lines) expect({ round: l.round, failures: l.failures }).toEqual({ round: l.round, failures: 0 });
    expect(JSON.parse(stdout).model_sha256).toBe(JSON.parse(ref.stdout).model_sha256);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).model_sha256).toBe(
      JSON.parse(ref.stdout).model_sha256,
    );
  }, 240_000);
});
