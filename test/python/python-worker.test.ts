// A worker host written in Python from docs/protocol.md (clients/python) joins real `starling server`
// runs: its numpy gradient against the reference kernels, its copy of the run's training set against
// loadData, a run it carries alone, a run shared with a TypeScript `starling worker`, and its refusals.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DenseNet, jsKernels, loadData, Rng } from '@starling/core';
import { decodeMessage, type JsonValue } from '@starling/transport';
import { describe, expect, it, onTestFinished } from 'vitest';
import { repo, starling, tempDir } from '../cli/cli-helpers.js';
import { metrics, startStarling, testPort, waitFor } from '../e2e/e2e-helpers.js';
import { router } from '../transport/fixtures.js';
import { probe, pythonMissing, startPythonWorker } from './python-helpers.js';

const missing = pythonMissing();
if (missing !== '')
  console.warn(`test/python skipped: ${missing} (apt-get install python3-zmq python3-msgpack python3-numpy)`);

/** FedAvg on the bundled digits: 20 IID clients of 400, all of them every round, E = 1, B = 10, 784-64-10. */
const FEDAVG = [
  'experiments/fedavg-mnist-iid.yaml',
  ...['algorithm.clients=20', 'algorithm.fraction=1', 'algorithm.rounds=5', 'eval.every=1', 'model.hidden=[64]'],
].flatMap((a) => (a.endsWith('.yaml') ? [a] : ['--set', a]));

const digitsDir = join(
  dirname(createRequire(join(repo, 'packages/core/package.json')).resolve('mnist/package.json')),
  'src/digits',
);

/** Per-round test accuracy of the same run with every client trained in TypeScript (inline, js kernels). */
let reference: number[] | undefined;
function tsAccuracy(): number[] {
  if (reference) return reference;
  const out = join(tempDir(), 'ts');
  const r = starling(['run', ...FEDAVG, '--out', out, '--json', '--quiet', '--kernels', 'js']);
  expect(r.code, r.stderr).toBe(0);
  reference = metrics(out).map((l) => l.test_accuracy as number);
  return reference;
}

/** `starling server` on a test port waiting for `hosts` hosts; resolves once it listens. */
async function startServer(portOffset: number, hosts: number, out: string) {
  const address = `tcp://127.0.0.1:${testPort(portOffset)}`;
  const server = startStarling([
    'server',
    ...FEDAVG,
    '--bind',
    address,
    '--hosts',
    String(hosts),
    '--out',
    out,
    '--json',
  ]);
  onTestFinished(() => void server.child.kill());
  await waitFor(() => server.err().includes('listening on') || server.child.exitCode !== null, 90_000, 'server');
  return { server, address };
}

/** Checks a finished cluster run in which `hosts` sent updates, and returns its accuracies. */
function checkRun(out: string, hosts: readonly string[], staleUpdates = 0): number[] {
  const lines = metrics(out);
  expect(lines).toHaveLength(5);
  for (const l of lines) expect(l).toMatchObject({ participants: 20, failures: 0, aggregated: true });
  const links = JSON.parse(readFileSync(join(out, 'links.json'), 'utf8'));
  for (const h of hosts) expect(links.links[h].bytesUp).toBeGreaterThan(5 * 4 * 50_890);
  // Stale updates from a killed server's run may reach the new one (how many depends on timing: 0 when
  // the host had not finished a node when the server died); nothing else may be refused.
  expect(Object.keys(links.rejected).filter((k) => k !== 'update' || staleUpdates === 0)).toEqual([]);
  expect(links.rejected.update ?? 0).toBeLessThanOrEqual(staleUpdates);
  const acc = lines.map((l) => l.test_accuracy as number);
  expect(acc[4]).toBeGreaterThan(acc[0]);
  expect(acc[4]).toBeGreaterThan(0.85);
  // Same data, partition, shuffles and float32 SGD as the TypeScript nodes: the same run up to rounding.
  const ts = tsAccuracy();
  for (const [i, a] of acc.entries()) expect(Math.abs(a - ts[i])).toBeLessThanOrEqual(0.01);
  return acc;
}

describe.skipIf(missing !== '')('a worker host in Python (clients/python)', () => {
  it('computes the gradient of the reference kernels for softmax regression and MLPs', () => {
    const cases = [
      { hidden: [], activation: 'identity' as const },
      { hidden: [16, 8], activation: 'relu' as const },
      { hidden: [12], activation: 'tanh' as const },
      { hidden: [12], activation: 'sigmoid' as const },
      { hidden: [9, 7], activation: 'elu' as const },
      { hidden: [10], activation: 'leaky_relu' as const },
    ];
    for (const [i, c] of cases.entries()) {
      const rng = Rng.fromSeed(11).fork('grad-case', i);
      const [inputs, outputs, batch] = [20, 6, 7];
      const net = new DenseNet({ inputs, hidden: c.hidden, outputs, activation: c.activation, init: 'xavier' });
      const params = new Float32Array(net.layout.size);
      net.init(params, rng.fork('init'));
      const bias = net.layout.tensors.filter((t) => t.name.endsWith('bias'));
      for (const t of bias) for (let k = 0; k < t.size; k++) params[t.offset + k] = rng.normal(0, 0.3);
      const x = new Float32Array(batch * inputs);
      rng.fork('x').fillNormal(x);
      const y = Int32Array.from({ length: batch }, (_, k) => rng.fork('y', k).int(outputs));
      const grad = new Float32Array(net.layout.size);
      const loss = net.lossAndGrad(jsKernels, 'softmax_ce', params, x, y, batch, grad);
      const py = probe({
        op: 'grad',
        widths: [inputs, ...c.hidden, outputs],
        activation: c.activation,
        params: Array.from(params),
        x: Array.from(x),
        y: Array.from(y),
      });
      const pg = py.grad as number[];
      expect(pg).toHaveLength(grad.length);
      const scale = Math.max(...grad.map(Math.abs));
      expect(scale).toBeGreaterThan(1e-3);
      const worst = Math.max(...pg.map((g, k) => Math.abs(g - grad[k])));
      expect(worst, `${c.activation} [${c.hidden}]`).toBeLessThanOrEqual(1e-5 * scale + 1e-7);
      expect(Math.abs((py.loss as number) - loss)).toBeLessThanOrEqual(1e-5 * loss);
    }
  });

  it('decodes the example bytes of docs/protocol.md, and its update decodes in @starling/transport', () => {
    const doc = readFileSync(join(repo, 'docs/protocol.md'), 'utf8');
    const hex = /```\n(de 00 07 a4[0-9a-f \n]+)```/.exec(doc)?.[1].replace(/\s+/g, '');
    expect(hex).toHaveLength(110); // 55 bytes, as the page says
    const py = probe({ op: 'wire', frames: [hex] });
    expect(py.header).toEqual({ type: 'heartbeat', v: 1, run: 'r1', round: 3, node: -1, seq: 7, tensors: [] });
    const frames = (py.update as string[]).map((f) => Buffer.from(f, 'hex'));
    expect(frames[1].toString('hex')).toBe('0000803f000000c0');
    const decoded = decodeMessage(frames);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.header).toMatchObject({ type: 'update', run: 'r1', round: 3, node: 7, seq: 0, weight: 120 });
    expect(Array.from(decoded.tensors[0].data)).toEqual([1, -2]);
  });

  it('rebuilds the run training set bit for bit (Philox streams, stratified split, limit)', () => {
    for (const [spec, seed] of [
      [{ kind: 'mnist', testFraction: 0.2 }, 1],
      [{ kind: 'mnist', testFraction: 0.25, limit: 3000 }, 7],
    ] as const) {
      const d = loadData(spec, Rng.fromSeed(seed).fork('data')).train;
      const sha = createHash('sha256')
        .update(new Uint8Array(d.x.buffer, d.x.byteOffset, d.x.byteLength))
        .update(new Uint8Array(d.y.buffer, d.y.byteOffset, d.y.byteLength))
        .digest('hex');
      expect(probe({ op: 'data', spec, seed, digits: digitsDir })).toEqual({ n: d.n, sha256: sha });
    }
  });

  it('carries every client of a starling server run and trains it as TypeScript does', {
    timeout: 300_000,
  }, async () => {
    const out = join(tempDir(), 'py');
    const { server, address } = await startServer(88, 1, out);
    const py = startPythonWorker(['--server', address, '--host', 'py1']);
    onTestFinished(() => void py.child.kill());
    expect(await server.exit, server.err()).toBe(0);
    expect(await py.exit, py.err()).toBe(0);
    expect(py.err()).toContain('server said bye: run finished');
    const acc = checkRun(out, ['py1']);
    console.log(`python host alone: accuracy by round ${acc.join(' ')}; all-TypeScript ${tsAccuracy().join(' ')}`);
  });

  it('shares a run with a TypeScript starling worker; the server aggregates both', { timeout: 300_000 }, async () => {
    const out = join(tempDir(), 'mixed');
    const { server, address } = await startServer(89, 2, out);
    const py = startPythonWorker(['--server', address, '--host', 'py1']);
    const ts = startStarling(['worker', '--connect', address, '--host-id', 'ts1', '--threads', '1']);
    onTestFinished(() => void py.child.kill());
    onTestFinished(() => void ts.child.kill());
    expect(await server.exit, server.err()).toBe(0);
    expect(await py.exit, py.err()).toBe(0);
    expect(await ts.exit, ts.err()).toBe(0);
    const acc = checkRun(out, ['py1', 'ts1']);
    console.log(
      `python + TypeScript hosts: accuracy by round ${acc.join(' ')}; all-TypeScript ${tsAccuracy().join(' ')}`,
    );
  });

  it('a killed Python host restarted under its id takes its nodes back; the run ends as an undisturbed one', {
    timeout: 300_000,
  }, async () => {
    const out = join(tempDir(), 'rejoin');
    const { server, address } = await startServer(87, 1, out);
    const first = startPythonWorker(['--server', address, '--host', 'py1']);
    await waitFor(() => metrics(out).length >= 2, 120_000, 'round 1');
    first.child.kill('SIGKILL');
    await first.exit;
    const again = startPythonWorker(['--server', address, '--host', 'py1']);
    onTestFinished(() => void again.child.kill());
    expect(await server.exit, server.err()).toBe(0);
    expect(await again.exit, again.err()).toBe(0);
    expect(again.err()).toContain('welcomed to run');
    expect(readFileSync(join(out, 'run.log'), 'utf8')).toContain('host gone');
    checkRun(out, ['py1']);
  });

  it('outlives a killed server: a new starling server on the address gets it back and runs to the end', {
    timeout: 300_000,
  }, async () => {
    const first = await startServer(86, 1, join(tempDir(), 'lost'));
    const py = startPythonWorker(['--server', first.address, '--host', 'py1']);
    onTestFinished(() => void py.child.kill());
    await waitFor(() => py.err().includes('data loaded'), 120_000, 'the Python host to load its data');
    first.server.child.kill('SIGKILL');
    await first.server.exit;
    const out = join(tempDir(), 'second');
    const second = await startServer(86, 1, out);
    expect(await second.server.exit, second.server.err()).toBe(0);
    expect(await py.exit, py.err()).toBe(0);
    expect(py.err()).toContain('connection to the server dropped; registering again');
    // Updates of the killed server's round 0 that were training when it died reach the new server,
    // which refuses and counts them (another run's round); each of the 20 nodes at most once.
    checkRun(out, ['py1'], 20);
  });

  it('exits non-zero with a clear message on a bad or silent server address', async () => {
    const bad = startPythonWorker(['--server', 'not-an-address', '--host', 'py1']);
    expect(await bad.exit).toBe(2);
    expect(bad.err()).toContain("cannot connect to 'not-an-address'");
    const silent = startPythonWorker(['--server', 'tcp://127.0.0.1:1', '--host', 'py1', '--server-wait-s', '1']);
    expect(await silent.exit).toBe(1);
    expect(silent.err()).toContain('no server at the address for 1 s (--server-wait-s); giving up');
    const id = startPythonWorker(['--server', 'tcp://127.0.0.1:1', '--host', 'bad id!']);
    expect(await id.exit).toBe(2);
    expect(id.err()).toContain("--host 'bad id!' must be");
  });

  it('refuses a run it cannot train: error bad-config naming each path, bye, exit 2', async () => {
    const server = await router('tcp');
    const py = startPythonWorker(['--server', server.endpoint.address, '--host', 'py-bad']);
    onTestFinished(() => void py.child.kill());
    await waitFor(() => server.messages.some((m) => m.header.type === 'hello'), 20_000, 'hello');
    const hello = server.messages.find((m) => m.header.type === 'hello')!;
    expect(hello.peer).toBe('py-bad');
    expect(hello.header).toMatchObject({ host: 'py-bad', nodes: [] });
    const setup = {
      seed: 1,
      data: { kind: 'mnist', testFraction: 0.2 },
      model: { kind: 'softmax', init: 'zeros' },
      loss: 'softmax_ce',
      optimizer: { kind: 'adam', lr: 0.01 },
      local: { epochs: 1, batchSize: 10 },
      kernels: 'js',
      compression: { up: { kind: 'topk', ratio: 0.01 } },
    };
    server.endpoint.setRun('r1');
    const config: JsonValue = { setup, partition: { 0: [1, 2] } };
    await server.endpoint.send('py-bad', {
      ...{ type: 'welcome', round: 0, node: -1, host: 'py-bad', nodes: [0], config },
      ...{ digest: '', heartbeatMs: 250, timeoutMs: 2000 },
    });
    expect(await py.exit, py.err()).toBe(2);
    await waitFor(() => server.messages.some((m) => m.header.type === 'bye'), 5000, 'bye');
    const error = server.messages.find((m) => m.header.type === 'error')?.header;
    expect(error).toMatchObject({ code: 'bad-config', node: -1 });
    const message = error && 'message' in error ? error.message : '';
    expect(message).toContain('welcome.config.setup.optimizer.kind must be sgd for the Python worker, got');
    expect(message).toContain('welcome.config.setup.compression.up');
    expect(py.err()).toContain('refused the run');
  });
});
