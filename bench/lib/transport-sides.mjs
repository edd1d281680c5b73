// The measuring side of bench/suites/transport.mjs: one object per way of sending (Starling
// endpoints, bare zeromq, raw `net` sockets), each with children from transport-peer.mjs.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { RouterEndpoint } from '../../packages/transport/dist/index.js';

const { Router } = createRequire(new URL('../../packages/transport/package.json', import.meta.url))('zeromq');
const peerScript = fileURLToPath(new URL('./transport-peer.mjs', import.meta.url));

/** Waits without spinning: `wait(cond)` resolves once `cond()` holds, re-checked on each `poke()`. */
function signal() {
  let wake = null;
  return {
    poke: () => wake?.(),
    async wait(cond) {
      while (!cond()) await new Promise((res) => (wake = res));
      wake = null;
    },
  };
}
const RUN = 'bench-transport';
const task = (round, config) => ({
  type: 'task',
  run: RUN,
  round,
  node: -1,
  nodes: [0],
  model: 'full',
  config,
  deadlineMs: 0,
});

/** `curve` (optional): `{ server, peers }` identities; peer i then connects as a CURVE client holding peers[i]. */
function spawnPeers(kind, address, n, extra = [], curve = undefined) {
  return Array.from({ length: n }, (_, i) => {
    const env = curve
      ? {
          ...process.env,
          STARLING_BENCH_CURVE: JSON.stringify({ identity: curve.peers[i], serverKey: curve.server.publicKey }),
        }
      : process.env;
    return spawn(process.execPath, [peerScript, kind, address, `peer-${i}`, ...extra], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env,
    });
  });
}

async function stop(children) {
  for (const c of children) c.kill('SIGKILL');
  await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? once(c, 'exit') : null)));
}

/**
 * A RouterEndpoint with `peers` DealerEndpoint children, which scan received f32 payloads with the JS
 * scan (`scan` 'js') or @starling/native's ('native'). `broadcast(bytes, messages, owned)` sends
 * `messages` models to every peer (copied at encode, or handed over with `owned: true`) and returns
 * the seconds until every peer confirmed them all (throws after `timeoutMs`, default 10 min, naming the socket's
 * connection events); `ping()` returns one task/update round trip in µs.
 * With `curve` (`{ server, peers }` CurveIdentity objects, peers named `peer-<i>`) every link is CURVE
 * encrypted with the server's ZAP allow-list and bound routing ids.
 */
export async function zmqSide(address, peers, scan = 'js', curve = undefined) {
  let done = 0;
  let pongs = 0;
  const sig = signal();
  const security = curve
    ? { identity: curve.server, allow: new Map(curve.peers.map((p) => [p.name, p.publicKey])) }
    : undefined;
  const server = await RouterEndpoint.listen(address, {
    run: RUN,
    security,
    onMessage(m) {
      if (m.header.type === 'bye') done++;
      else pongs++;
      sig.poke();
    },
  });
  const children = spawnPeers('zmq', server.address, peers, [scan], curve);
  while (server.peers().length < peers) await new Promise((r) => setTimeout(r, 10));
  const ids = server.peers().sort();
  const models = new Map();
  return {
    pids: children.map((c) => c.pid),
    stats: () => server.stats(),
    async broadcast(bytes, messages, owned, timeoutMs = 600_000) {
      if (!models.has(bytes)) models.set(bytes, new Float32Array(bytes / 4).fill(0.5));
      const model = models.get(bytes);
      done = 0;
      const t0 = performance.now();
      for (let i = 0; i < messages; i++) {
        const header = task(i, { expect: messages });
        server.broadcast(
          ids.map((peer) => ({ peer, header })),
          [{ name: 'model', data: model, owned }],
        );
        await new Promise((res) => setImmediate(res));
      }
      // a link that dropped loses messages and the peers never confirm: give up after `timeoutMs`
      const timer = setTimeout(() => {
        done = Number.POSITIVE_INFINITY;
        sig.poke();
      }, timeoutMs);
      await sig.wait(() => done >= peers);
      clearTimeout(timer);
      if (done === Number.POSITIVE_INFINITY) {
        const { connections } = server.stats();
        throw new Error(
          `broadcast of ${messages} x ${bytes} B not confirmed in ${timeoutMs} ms (${JSON.stringify(connections)})`,
        );
      }
      return (performance.now() - t0) / 1e3;
    },
    async ping() {
      pongs = 0;
      const t0 = performance.now();
      await server.send(ids[0], task(0, { ping: true }));
      await sig.wait(() => pongs > 0);
      return (performance.now() - t0) * 1e3;
    },
    async close() {
      await stop(children);
      await server.close();
    },
  };
}

/**
 * The same job with plain zeromq (ROUTER/DEALER, no validation, no copy, no queues), to separate what
 * ZeroMQ itself costs from what the Starling layer adds. Retries on EAGAIN like any mandatory ROUTER.
 */
export async function plainZmqSide(address, peers) {
  const server = new Router({ linger: 0, mandatory: true, sendTimeout: 0, sendHighWaterMark: 64 });
  await server.bind(address);
  const children = spawnPeers('plain', server.lastEndpoint, peers);
  const ids = [];
  while (ids.length < peers) ids.push((await server.receive())[0]);
  const payloads = new Map();
  const send = async (frames) => {
    for (;;) {
      try {
        return await server.send(frames);
      } catch {
        await new Promise((res) => setTimeout(res, 1));
      }
    }
  };
  return {
    pids: children.map((c) => c.pid),
    async broadcast(bytes, messages) {
      if (!payloads.has(bytes)) payloads.set(bytes, Buffer.from(new Float32Array(bytes / 4).fill(0.5).buffer));
      const payload = payloads.get(bytes);
      const t0 = performance.now();
      const count = String(messages);
      for (let i = 0; i < messages; i++) {
        for (const id of ids) await send([id, count, payload]);
        await new Promise((res) => setImmediate(res));
      }
      for (let i = 0; i < peers; i++) await server.receive();
      return (performance.now() - t0) / 1e3;
    },
    async ping() {
      const t0 = performance.now();
      await send([ids[0], '0']);
      await server.receive();
      return (performance.now() - t0) * 1e3;
    },
    async close() {
      await stop(children);
      server.close();
    },
  };
}

/** The same job over raw `net` sockets (TCP, or a Unix socket at `path`): length-prefixed frames. */
export async function rawSide(path, peers) {
  const sockets = [];
  let acks = 0;
  let pongs = 0;
  const sig = signal();
  const server = createServer((s) => {
    s.setNoDelay(true);
    sockets.push(s);
    s.on('data', (d) => {
      for (let i = 0; i < d.length; i += 8) d[i] === 3 ? acks++ : pongs++;
      sig.poke();
    });
  });
  server.listen(path ?? { port: 0, host: '127.0.0.1' });
  await once(server, 'listening');
  const children = spawnPeers('raw', path ?? String(server.address().port), peers);
  while (sockets.length < peers) await new Promise((r) => setTimeout(r, 10));
  const payloads = new Map();
  const ping = Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]);
  return {
    pids: children.map((c) => c.pid),
    async broadcast(bytes, messages) {
      if (!payloads.has(bytes)) payloads.set(bytes, Buffer.from(new Float32Array(bytes / 4).fill(0.5).buffer));
      const payload = payloads.get(bytes);
      const head = Buffer.alloc(8);
      head.writeUInt32LE(bytes, 4);
      const announce = Buffer.alloc(8);
      announce.writeUInt32LE(2, 0);
      announce.writeUInt32LE(messages, 4);
      acks = 0;
      const t0 = performance.now();
      for (const s of sockets) s.write(announce);
      for (let i = 0; i < messages; i++) {
        for (const s of sockets) {
          s.write(head);
          s.write(payload);
        }
        await new Promise((res) => setImmediate(res));
      }
      await sig.wait(() => acks >= peers);
      return (performance.now() - t0) / 1e3;
    },
    async ping() {
      pongs = 0;
      const t0 = performance.now();
      sockets[0].write(ping);
      await sig.wait(() => pongs > 0);
      return (performance.now() - t0) * 1e3;
    },
    async close() {
      await stop(children);
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}
