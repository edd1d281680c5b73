// The poisoning attacks of issue 14 with a real hostile host: `starling server` with one honest
// `starling worker` and one scripted rogue DEALER that registers as a worker and answers every task with
// a forged finite update (1e30s; 3e38s with weight 2^53 − 1). With algorithm.maxUpdateNorm the run stays
// healthy; without it, it either stays healthy (the forged weight is refused) or stops with exit 1 and a
// clear message, never exit 0 at chance accuracy.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';
import { metrics, smallFedAvg, startStarling, testPort, waitFor } from '../e2e/e2e-helpers.js';
import { rogueWorker } from './rogue-host.js';

const ROUNDS = 6;
const SET = [`algorithm.rounds=${ROUNDS}`, 'eval.every=1', 'algorithm.minCompletion=0.5'];

/** `starling server` for 2 hosts: an honest `starling worker` and the rogue; returns how the run ended. */
async function attacked(offset: number, rogue: { value: number; weight?: (n: number) => number }, set: string[]) {
  const address = `tcp://127.0.0.1:${testPort(offset)}`;
  const out = join(tempDir(), 'run');
  const overrides = [...SET, ...set].flatMap((s) => ['--set', s]);
  const server = startStarling([
    'server',
    ...smallFedAvg,
    ...overrides,
    '--bind',
    address,
    '--hosts',
    '2',
    '--out',
    out,
    '--json',
  ]);
  let exited = false;
  void server.exit.then(() => (exited = true));
  await waitFor(() => exited || server.err().includes('listening on'), 90_000, 'server to listen');
  if (exited) throw new Error(`starling server exited before listening: ${server.err()}`);
  const honest = startStarling(['worker', '--connect', address, '--host-id', 'a-honest', '--threads', '1']);
  rogueWorker({ address, id: 'z-rogue', ...rogue });
  const code = await server.exit;
  honest.child.kill();
  const log = readFileSync(join(out, 'run.log'), 'utf8');
  return { code, err: server.err(), log, summary: JSON.parse(server.out() || '{}'), lines: metrics(out) };
}

const reasons = (lines: Record<string, unknown>[]) =>
  lines.map((l) =>
    Object.keys(l.failure_reasons as Record<string, number>)
      .sort()
      .join(','),
  );

describe('a host sending poisoned updates', () => {
  let clean = 0;
  beforeAll(async () => {
    const sets = SET.flatMap((s) => ['--set', s]);
    const r = starling(['run', ...smallFedAvg, ...sets, '--out', join(tempDir(), 'c'), '--json', '--quiet'], {
      STARLING_KERNELS: 'js',
    });
    clean = JSON.parse(r.stdout).test_accuracy;
    expect(clean).toBeGreaterThan(0.8);
  }, 120_000);

  it('1e30s with maxUpdateNorm: every forged update is refused (norm-bound) and the run stays healthy', async () => {
    const r = await attacked(83, { value: 1e30 }, ['algorithm.maxUpdateNorm=100']);
    expect(r.code, r.err).toBe(0);
    expect(reasons(r.lines)).toEqual(Array(ROUNDS).fill('norm-bound'));
    expect(r.summary.test_accuracy).toBeGreaterThan(clean - 0.05);
    expect(r.log).toContain('updates refused');
  }, 180_000);

  it('1e30s without a bound: the run stops with exit 1 and says why, never exit 0 at chance accuracy', async () => {
    const r = await attacked(87, { value: 1e30 }, []);
    expect(r.code, r.err).toBe(1);
    expect(r.err).toMatch(
      /run stopped: the global model's test loss is NaN after round 0\. Likely cause: a faulty or hostile host sending oversized updates \(set algorithm\.maxUpdateNorm/,
    );
  }, 180_000);

  it('3e38s with weight 2^53 − 1, without a bound: the weight is refused (bad-weight) and the run stays healthy', async () => {
    const r = await attacked(85, { value: 3e38, weight: () => 2 ** 53 - 1 }, []);
    expect(r.code, r.err).toBe(0);
    expect(reasons(r.lines)).toEqual(Array(ROUNDS).fill('bad-weight'));
    expect(r.summary.test_accuracy).toBeGreaterThan(clean - 0.05);
  }, 180_000);

  it('3e38s with the assigned weight, without a bound: the run stops with exit 1, the model never overflows', async () => {
    const r = await attacked(86, { value: 3e38 }, []);
    expect(r.code, r.err).toBe(1);
    expect(r.err).toMatch(/run stopped: /);
    expect(r.err).not.toMatch(/Infinity after round/);
  }, 180_000);
});
