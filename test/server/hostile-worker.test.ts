import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repo, tempDir } from '../cli/cli-helpers.js';
import { metrics, startStarling, testPort, waitFor } from '../e2e/e2e-helpers.js';

const hostileScript = join(repo, 'test/server/fixtures/hostile-worker.mjs');

/** Every process a test started: killed after it, so a test that timed out leaves none running. */
const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/**
 * `starling server` (10 clients, all every round, 3 rounds) with 3 hosts: two honest `starling worker`s
 * and the hostile script (docs/protocol.md only), whose id sorts last, so it carries nodes 7, 8, 9
 * (Membership splits nodes in contiguous blocks over hosts sorted by id): 30 % of the updates are 1e30s.
 */
async function attackedRun(port: number, aggregator: string) {
  const address = `tcp://127.0.0.1:${testPort(port)}`;
  const out = join(tempDir(), 'run');
  const server = startStarling([
    'server',
    'experiments/fedavg-mnist-iid.yaml',
    ...['--set', 'algorithm.clients=10', '--set', 'algorithm.fraction=1', '--set', 'algorithm.rounds=3'],
    ...['--set', 'model.hidden=[32]', '--set', 'data.limit=3000', '--set', `algorithm.aggregator=${aggregator}`],
    ...['--bind', address, '--hosts', '3', '--out', out, '--json'],
  ]);
  started.push(server.child);
  await waitFor(() => server.err().includes('listening on'), 90_000, 'server to listen');
  const honest = ['a-honest', 'b-honest'].map((id) =>
    startStarling(['worker', '--connect', address, '--host-id', id, '--threads', '1']),
  );
  const hostile = spawn(process.execPath, [hostileScript, address, 'z-hostile'], { cwd: repo });
  started.push(...honest.map((w) => w.child), hostile);
  let hostileOut = '';
  hostile.stdout.on('data', (d) => (hostileOut += d));
  const hostileExit = new Promise<number | null>((resolve) => hostile.once('exit', resolve));
  const code = await server.exit;
  await Promise.all(honest.map((w) => w.exit));
  if (code !== 0) hostile.kill('SIGTERM');
  await hostileExit;
  const model = (() => {
    try {
      const b = readFileSync(join(out, 'model.bin'));
      return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
    } catch {
      return null;
    }
  })();
  return { code, stdout: server.out(), stderr: server.err(), hostileOut, model, lines: metrics(out) };
}

const maxAbs = (v: Float32Array) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

describe('a real hostile worker process sending updates of 1e30 (issue 15)', () => {
  it('destroys the plain weighted mean: honest training overflows next round and the run stops on a NaN loss', async () => {
    const r = await attackedRun(21, '{kind: mean}');
    expect(r.code).toBe(1);
    // Round 0 takes the 1e30s (weight 0.3: every coordinate moves by ~3e29, finite); from the global
    // model of round 1 every honest node's training overflows and is failed as non-finite.
    expect(r.lines[0]).toMatchObject({ round: 0, participants: 10, failures: 0, aggregated: true });
    expect(r.lines[1]).toMatchObject({ round: 1, failure_reasons: { 'non-finite': 7 } });
    expect(r.stderr).toMatch(/test loss is NaN.*hostile host sending oversized updates/s);
  }, 180_000);

  it.each([
    ['norm_bound', '{kind: norm_bound, bound: 1}'],
    ['median', '{kind: median}'],
  ])(
    'the model survives with %s',
    async (_name, aggregator) => {
      const r = await attackedRun(_name === 'median' ? 22 : 23, aggregator);
      expect(r.code, r.stderr).toBe(0);
      const s = JSON.parse(r.stdout);
      expect(JSON.parse(r.hostileOut).updates).toBe(9); // 3 nodes × 3 rounds, every one accepted as an update
      expect(s.rounds).toBe(3);
      // The hostile updates were taken into every aggregation, not refused
      for (const line of r.lines) expect(line).toMatchObject({ participants: 10, failures: 0, aggregated: true });
      expect(s.test_accuracy).toBeGreaterThan(0.6);
      expect(r.model).not.toBeNull();
      expect(maxAbs(r.model as Float32Array)).toBeLessThan(10);
    },
    180_000,
  );
});
