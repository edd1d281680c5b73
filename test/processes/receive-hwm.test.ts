import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { repo } from '../cli/cli-helpers.js';
import { dealer, sleep, waitFor } from '../transport/fixtures.js';

/**
 * A ROUTER in another process: answers the DEALER's first message with one heartbeat, waits `pauseMs`, then
 * sends `count` heartbeats at once (no send limit) and keeps reading for 20 s.
 */
const ROUTER = (count: number, pauseMs: number) => `
  const zmq = require('zeromq');
  const { pack } = require('msgpackr');
  const hb = (seq) => pack({ type: 'heartbeat', v: 1, run: '', round: 0, node: -1, seq, tensors: [] });
  (async () => {
    const r = new zmq.Router({ linger: 0, sendHighWaterMark: 0 });
    await r.bind('tcp://127.0.0.1:*');
    process.stdout.write(r.lastEndpoint + '\\n');
    const [id] = await r.receive();
    await r.send([id, hb(0)]);
    await new Promise((ok) => setTimeout(ok, ${pauseMs}));
    for (let i = 1; i <= ${count}; i++) await r.send([id, hb(i)]);
    setTimeout(() => process.exit(0), 20000);
    for await (const _ of r) {}
  })();`;

/**
 * libzmq stops reading a connection whose receive queue is full; the connection's ZMTP heartbeat then
 * times out and on the reconnection libzmq 4.3.5 may abort the process (zeromq/libzmq#3937). A worker
 * host's main thread can be busy for seconds (200 MB models under load), so its DEALER has no receive
 * limit (`receiveHighWaterMark: 0`): here its main thread is blocked for 3 s while 300 messages arrive
 * (over the default limit of 64), and the link must stay up with every message delivered afterwards.
 */
describe('a DEALER with no receive limit whose main thread is blocked', () => {
  it('keeps its connection (ZMTP heartbeats answered) and receives everything afterwards', async () => {
    const child = spawn(process.execPath, ['-e', ROUTER(300, 300)], {
      cwd: join(repo, 'packages/transport'),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    onTestFinished(() => {
      child.kill();
    });
    const address = await new Promise<string>((ok) => child.stdout.once('data', (c) => ok(String(c).trim())));
    const host = dealer(address, {
      routingId: 'host-1',
      heartbeatMs: 50,
      peerTimeoutMs: 10_000,
      connectedSilenceMs: 20_000,
      receiveHighWaterMark: 0,
    });
    await waitFor(() => host.endpoint.connected, 10_000, 'the dealer to hear the router');
    // the main thread stops reading for 3 s (5 ZMTP timeouts) while the 300 messages arrive
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000);
    await waitFor(
      () => (host.endpoint.stats().receivedByType.heartbeat?.messages ?? 0) >= 301,
      10_000,
      'every message',
    );
    await sleep(200);
    const s = host.endpoint.stats();
    expect(s.connections.disconnect ?? 0).toBe(0);
    expect(host.events.map((e) => e.kind)).toEqual(['joined']);
  }, 60_000);
});
