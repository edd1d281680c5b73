import { type ChildProcess, spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HostSupervisor } from './supervisor.js';

const quiet = { info() {}, warn() {}, error() {}, debug() {} };

/** A real child process that exits with `code` at once, or with `code` null lives until killed. */
function child(code: number | null): ChildProcess {
  const script = code === null ? 'setInterval(() => {}, 1000)' : `process.exit(${code})`;
  return spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts one host whose successive processes exit with `codes` (the last one repeats). */
function supervise(codes: (number | null)[], max: number) {
  const spawned: ChildProcess[] = [];
  const s = new HostSupervisor({ max, windowS: 600 }, quiet);
  s.start('host-0', () => {
    const c = child(codes[Math.min(spawned.length, codes.length - 1)]!);
    spawned.push(c);
    return c;
  });
  return { s, spawned };
}

describe('HostSupervisor', () => {
  it('relaunches a process killed by a signal, with the same spawn, and counts it', async () => {
    const { s, spawned } = supervise([null], 3);
    await sleep(200);
    expect(s.expectsReturn('host-0')).toBe(true);
    spawned[0]!.kill('SIGKILL');
    for (let i = 0; i < 200 && spawned.length < 2; i++) await sleep(50);
    expect(spawned).toHaveLength(2);
    expect(s.relaunches).toBe(1);
    expect(spawned[1]!.exitCode).toBeNull(); // the new one runs
    await s.close();
    expect(s.expectsReturn('host-0')).toBe(false); // the run is ending
  }, 20_000);

  it('stops after max relaunches in the window (a crash loop of exit code 1)', async () => {
    const { s, spawned } = supervise([1], 2);
    for (let i = 0; i < 200 && !(spawned.length === 3 && spawned[2]!.exitCode !== null); i++) await sleep(50);
    await sleep(1000);
    expect(spawned).toHaveLength(3); // the first start and 2 relaunches
    expect(s.relaunches).toBe(2);
    expect(s.expectsReturn('host-0')).toBe(false);
    await s.close();
  }, 20_000);

  it('does not relaunch exit codes 0 (bye), 2 (refused config) or 130 (SIGTERM)', async () => {
    for (const code of [0, 2, 130]) {
      const { s, spawned } = supervise([code], 3);
      const first = spawned[0]!;
      if (first.exitCode === null) await new Promise((r) => first.once('exit', r));
      await sleep(600); // a relaunch would have been started 250 ms after the exit
      expect(spawned, `exit code ${code}`).toHaveLength(1);
      expect(s.expectsReturn('host-0')).toBe(false);
      await s.close();
    }
  }, 20_000);

  it('answers false for hosts it does not run', () => {
    const s = new HostSupervisor({ max: 3, windowS: 600 }, quiet);
    expect(s.expectsReturn('host-9')).toBe(false);
    return s.close();
  });
});
