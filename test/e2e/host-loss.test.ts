import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../cli/cli-helpers.js';
import { metrics, smallFedAvg, startStarling, testPort, waitFor } from './e2e-helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ROUNDS = 30;

type Fault = 'none' | 'stop' | 'kill-restart' | 'kill-replace';

/** `starling server` with one `starling worker`; `fault` hits the worker process once five rounds are in. */
async function runWith(fault: Fault, offset: number) {
  const address = `tcp://127.0.0.1:${testPort(offset)}`;
  const out = join(tempDir(), 'run');
  const sets = [`algorithm.rounds=${ROUNDS}`, 'eval.every=1000'].flatMap((s) => ['--set', s]);
  const server = startStarling([
    'server',
    ...smallFedAvg,
    ...sets,
    '--bind',
    address,
    '--hosts',
    '1',
    '--out',
    out,
    '--json',
  ]);
  await waitFor(() => server.err().includes('listening on'), 90_000, 'server to listen');
  const worker = (id: string) => startStarling(['worker', '--connect', address, '--host-id', id, '--threads', '1']);
  const first = worker('a');
  await waitFor(() => metrics(out).length >= 5, 120_000, 'five rounds');
  let second: ReturnType<typeof worker> | undefined;
  if (fault === 'stop') {
    first.child.kill('SIGSTOP');
    await sleep(3000);
    first.child.kill('SIGCONT');
  } else if (fault === 'kill-restart') {
    first.child.kill('SIGKILL');
    await first.exit;
    second = worker('a'); // the same command again, at once
  } else if (fault === 'kill-replace') {
    first.child.kill('SIGKILL');
    await first.exit;
    await sleep(1000);
    second = worker('b'); // another host id, as `starling worker` without --host-id gets
  }
  const code = await server.exit;
  const [firstCode, secondCode] = await Promise.all([first.exit, second?.exit]);
  const log = readFileSync(join(out, 'run.log'), 'utf8');
  return {
    code,
    err: server.err(),
    summary: JSON.parse(server.out() || '{}'),
    lines: metrics(out),
    log,
    lastWorker: second ? secondCode : firstCode,
  };
}

describe('losing the only worker host', () => {
  let reference = '';
  beforeAll(async () => {
    const r = await runWith('none', 70);
    expect(r.code, r.err).toBe(0);
    reference = r.summary.model_sha256;
  }, 300_000);

  it.each([
    ['stop', 'SIGSTOP for 3 s', 71],
    ['kill-restart', 'SIGKILL and an immediate restart', 72],
    ['kill-replace', 'SIGKILL and a replacement with another host id', 73],
  ] as const)(
    '%s (%s): the run waits and ends on the same model bits as an undisturbed run',
    async (fault, _what, port) => {
      const r = await runWith(fault, port);
      expect(r.code, r.err).toBe(0);
      expect(r.summary.model_sha256).toBe(reference);
      expect(r.lines).toHaveLength(ROUNDS);
      expect(r.lines.every((l) => l.failures === 0 && l.aggregated === true)).toBe(true);
      // the fault was real: the open round went out again to the host that came back or took over
      expect(r.log).toContain('open round sent again');
      if (fault !== 'kill-restart') expect(r.log).toContain('every worker host is gone; waiting up to 60 s');
      if (fault === 'kill-replace') expect(r.log).toContain('host takes over the nodes of a lost host');
      expect(r.lastWorker).toBe(0); // the worker that finished the run left on the server's bye
    },
    300_000,
  );
});

describe('bounded waits', () => {
  it('the server fails after --host-wait-s (runtime.hostWaitS) when no host comes back', async () => {
    const address = `tcp://127.0.0.1:${testPort(74)}`;
    const out = join(tempDir(), 'run');
    const server = startStarling([
      'server',
      ...smallFedAvg,
      '--set',
      'algorithm.rounds=500',
      '--bind',
      address,
      '--hosts',
      '1',
      '--host-wait-s',
      '2',
      '--out',
      out,
    ]);
    await waitFor(() => server.err().includes('listening on'), 90_000, 'server to listen');
    const worker = startStarling(['worker', '--connect', address, '--host-id', 'a', '--threads', '1']);
    await waitFor(() => metrics(out).length >= 3, 120_000, 'three rounds');
    worker.child.kill('SIGKILL');
    const killedAt = performance.now();
    expect(await server.exit).toBe(1);
    const took = (performance.now() - killedAt) / 1000;
    expect(took).toBeGreaterThanOrEqual(2);
    expect(took).toBeLessThan(30); // 2 s plus noticing the loss and exiting, on a loaded machine
    expect(server.err()).toMatch(
      /every worker host was gone for 2 s \(runtime\.hostWaitS, starling server --host-wait-s\)/,
    );
  }, 300_000);

  it('a worker whose server was killed, and a peer that never finds its coordinator, exit 1 after --server-wait-s', async () => {
    const address = `tcp://127.0.0.1:${testPort(75)}`;
    const out = join(tempDir(), 'run');
    const server = startStarling([
      'server',
      ...smallFedAvg,
      '--set',
      'algorithm.rounds=500',
      '--bind',
      address,
      '--hosts',
      '1',
      '--out',
      out,
    ]);
    await waitFor(() => server.err().includes('listening on'), 90_000, 'server to listen');
    const wait = ['--server-wait-s', '2', '--threads', '1'];
    const worker = startStarling(['worker', '--connect', address, '--host-id', 'a', ...wait]);
    await waitFor(() => metrics(out).length >= 3, 120_000, 'three rounds');
    const nowhere = `tcp://127.0.0.1:${testPort(76)}`;
    const peer = startStarling([
      'peer',
      '--connect',
      nowhere,
      '--host-id',
      'p',
      '--bind',
      'tcp://127.0.0.1:*',
      ...wait,
    ]);
    server.child.kill('SIGKILL');
    const killedAt = performance.now();
    const [w, p] = await Promise.all([worker.exit, peer.exit]);
    const took = (performance.now() - killedAt) / 1000;
    expect(w, worker.err()).toBe(1);
    expect(p, peer.err()).toBe(1);
    expect(took).toBeGreaterThanOrEqual(2);
    expect(took).toBeLessThan(30);
    expect(worker.err()).toContain(`no server at ${address} for 2 s (--server-wait-s); giving up`);
    expect(peer.err()).toContain(`no coordinator at ${nowhere} for 2 s (--server-wait-s); giving up`);
  }, 300_000);
});
