import type { JsonValue } from '@starling/transport';
import { GossipHost } from '@starling/worker';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startStarling } from '../e2e/e2e-helpers.js';
import { router, waitFor } from '../transport/fixtures.js';

/** A HostLog that keeps what the host logged at error level. */
function recordingLog() {
  const errors: { obj: object; msg: string }[] = [];
  const quiet = () => undefined;
  return {
    errors,
    log: { info: quiet, warn: quiet, debug: quiet, error: (obj: object, msg: string) => errors.push({ obj, msg }) },
  };
}

const goodSetup = {
  seed: 1,
  data: { kind: 'synthetic-blobs', n: 40, d: 2 },
  model: { kind: 'softmax' },
  loss: 'softmax_ce',
  optimizer: { kind: 'sgd', lr: 0.1 },
  local: { epochs: 1, batchSize: 10 },
  kernels: 'js',
};

/** Sends `config` as the welcome of the first host that says hello; returns the hello's sender. */
async function welcomeWith(server: Awaited<ReturnType<typeof router>>, config: JsonValue): Promise<string> {
  await waitFor(() => server.messages.some((m) => m.header.type === 'hello'), 10_000, 'hello');
  const host = server.messages.find((m) => m.header.type === 'hello')!.peer;
  server.endpoint.setRun('r1');
  await server.endpoint.send(host, {
    type: 'welcome',
    round: 0,
    node: -1,
    host,
    nodes: [0],
    config,
    digest: '',
    heartbeatMs: 250,
    timeoutMs: 2000,
  });
  return host;
}

describe('a host refuses a malformed welcome.config', () => {
  it('starling worker: answers error bad-config naming the full path, says bye and exits with code 2', async () => {
    const server = await router('tcp');
    const worker = startStarling([
      'worker',
      '--connect',
      server.endpoint.address,
      '--host-id',
      'w-bad',
      '--threads',
      '1',
    ]);
    onTestFinished(() => void worker.child.kill());
    const bad = { setup: { ...goodSetup, data: { kind: 'mnist', testFraction: 2 } }, partition: { 0: [1, 2] } };
    await welcomeWith(server, bad);

    expect(await worker.exit).toBe(2);
    expect(worker.err()).toContain('welcome refused: bad config');
    expect(worker.err()).toContain('welcome.config.setup.data.testFraction must be < 1, got 2');
    await waitFor(() => server.messages.some((m) => m.header.type === 'bye'), 5000, 'bye');
    const error = server.messages.find((m) => m.header.type === 'error')?.header;
    expect(error).toMatchObject({ code: 'bad-config', node: -1 });
    expect(error && 'message' in error && error.message).toContain(
      'welcome.config.setup.data.testFraction must be < 1',
    );
  });

  it('starling worker: accepts a good welcome and leaves with code 0 when the server says bye', async () => {
    const server = await router('tcp');
    const worker = startStarling([
      'worker',
      '--connect',
      server.endpoint.address,
      '--host-id',
      'w-good',
      '--threads',
      '1',
    ]);
    onTestFinished(() => void worker.child.kill());
    const host = await welcomeWith(server, { setup: goodSetup, partition: { 0: [1, 2] } });
    await new Promise((r) => setTimeout(r, 300));
    expect(server.messages.some((m) => m.header.type === 'error')).toBe(false);
    await server.endpoint.send(host, { type: 'bye', round: 0, node: -1, reason: 'run over' });
    expect(await worker.exit).toBe(0);
  });

  it('GossipHost: logs it, answers error bad-config and finishes with the config error', async () => {
    const server = await router('tcp');
    const { errors, log } = recordingLog();
    const host = await GossipHost.start({ connect: server.endpoint.address, hostId: 'g-bad', threads: 1, log });
    onTestFinished(() => host.close());
    await welcomeWith(server, {
      kind: 'gossip',
      gossip: { node: goodSetup },
      partition: {},
      owners: [],
      endpoints: {},
    });
    const reason = await host.finished;

    expect(reason).toMatch(/^bad welcome\.config: welcome\.config\.gossip\./);
    expect(host.failure?.code).toBe('config');
    expect(errors.map((e) => e.msg)).toContain('welcome refused: bad config');
    await waitFor(() => server.messages.some((m) => m.header.type === 'bye'), 5000, 'bye');
    const error = server.messages.find((m) => m.header.type === 'error')?.header;
    expect(error).toMatchObject({ code: 'bad-config' });
    expect(error && 'message' in error && error.message).toContain('welcome.config.gossip.algorithm');
  });

  it('starling peer: exits with code 2 on a welcome whose topology kind is unknown', async () => {
    const server = await router('tcp');
    const peer = startStarling([
      'peer',
      ...['--connect', server.endpoint.address, '--host-id', 'g-proc', '--bind', 'tcp://127.0.0.1:*'],
      ...['--threads', '1'],
    ]);
    onTestFinished(() => void peer.child.kill());
    const gossip = {
      node: goodSetup,
      algorithm: { kind: 'consensus' },
      peers: 2,
      rounds: 1,
      topology: { kind: 'hexagon', nodes: 2 },
      inputs: 2,
      classes: 3,
      evalEvery: 1,
      roundDeadlineMs: 1000,
    };
    await welcomeWith(server, { kind: 'gossip', gossip, partition: {}, owners: ['g-proc', 'g-proc'], endpoints: {} });

    expect(await peer.exit).toBe(2);
    expect(peer.err()).toContain('welcome.config.gossip.topology.kind must be one of ring, torus');
  });
});
