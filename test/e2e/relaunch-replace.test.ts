import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';
import { metrics, smallFedAvg, startStarling, waitFor } from './e2e-helpers.js';
import { hostPid } from './relaunch-helpers.js';

// The `processes` runtime's supervisor (runtime.restarts, docs/runtimes.md "Losing hosts"): kill -9 of a
// worker host process mid-run; the supervisor starts it again with the same host id, the server holds
// the dead host's nodes for it (the open round waits), and the run ends on the undisturbed run's bits.

const ROUNDS = 60;
const sets = [`algorithm.rounds=${ROUNDS}`, 'eval.every=1000', 'runtime={kind: processes, workers: 2}'];
const fedavg = [...smallFedAvg, ...sets.flatMap((s) => ['--set', s])];

let reference: Record<string, unknown>;

beforeAll(() => {
  const r = starling(['run', ...fedavg, '--out', join(tempDir(), 'run'), '--json', '--quiet'], {
    STARLING_KERNELS: 'js',
  });
  expect(r.code, r.stderr).toBe(0);
  reference = JSON.parse(r.stdout);
}, 240_000);

/** Starts `starling run`, SIGKILLs host process `victim` once `after` rounds are in, and waits for the end. */
async function killMidRun(args: string[], victim: string, after: number) {
  const out = join(tempDir(), 'run');
  const run = startStarling(['run', ...args, '--out', out, '--json', '--quiet']);
  await waitFor(() => metrics(out).length >= after, 180_000, `${after} rounds`);
  const pid = hostPid(run.child.pid!, victim);
  expect(pid, `host process ${victim}`).not.toBeNull();
  process.kill(pid!, 'SIGKILL');
  await waitFor(
    () => hostPid(run.child.pid!, victim) !== null && hostPid(run.child.pid!, victim) !== pid,
    60_000,
    'the relaunch',
  );
  const code = await run.exit;
  return {
    code,
    err: run.err(),
    summary: JSON.parse(run.out() || '{}'),
    out,
    log: readFileSync(join(out, 'run.log'), 'utf8'),
  };
}

describe('the processes runtime relaunches a dead host process', () => {
  it('FedAvg, 2 worker processes, kill -9 of host-1: relaunched, its nodes held, the same model bits', async () => {
    expect(reference.host_relaunches).toBe(0);
    const r = await killMidRun(fedavg, 'host-1', 5);
    expect(r.code, r.err).toBe(0);
    expect(r.summary.host_relaunches).toBe(1);
    expect(r.summary.model_sha256).toBe(reference.model_sha256);
    const lines = metrics(r.out);
    expect(lines).toHaveLength(ROUNDS);
    expect(lines.every((l) => l.failures === 0 && l.participants === 10)).toBe(true);
    expect(r.log).toMatch(/host process died \(signal SIGKILL\); relaunching it/);
    expect(r.log).toContain('host process relaunched');
    expect(r.log).toContain('its process is relaunched if it died (runtime.restarts), and its nodes wait for it');
    expect(r.log).toContain('open round sent again');
  }, 300_000);

  it('runtime.restarts.max = 0: no relaunch; the survivor carries on without the lost nodes', async () => {
    const r = await killMidRunNoRelaunch();
    expect(r.code, r.err).toBe(0);
    expect(r.summary.host_relaunches).toBe(0);
    expect(r.log).not.toContain('host process relaunched');
    const lines = metrics(r.out);
    expect(lines).toHaveLength(ROUNDS);
    expect(lines.some((l) => (l.participants as number) === 5)).toBe(true);
  }, 300_000);

  it('a bad runtime.restarts is refused with exit code 2, naming the key', () => {
    const r = starling(['run', ...fedavg, '--set', 'runtime.restarts.max=-1', '--out', join(tempDir(), 'run')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('runtime.restarts.max');
  });
});

async function killMidRunNoRelaunch() {
  const out = join(tempDir(), 'run');
  const args = [...fedavg, '--set', 'runtime.restarts.max=0'];
  const run = startStarling(['run', ...args, '--out', out, '--json', '--quiet']);
  await waitFor(() => metrics(out).length >= 5, 180_000, '5 rounds');
  const pid = hostPid(run.child.pid!, 'host-1');
  expect(pid).not.toBeNull();
  process.kill(pid!, 'SIGKILL');
  const code = await run.exit;
  return {
    code,
    err: run.err(),
    summary: JSON.parse(run.out() || '{}'),
    out,
    log: readFileSync(join(out, 'run.log'), 'utf8'),
  };
}
