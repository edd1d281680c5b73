// Transport figures: model broadcast throughput (1 MiB and 8 MiB payloads) from a RouterEndpoint to
// DealerEndpoints in child processes, against Node's raw `net` sockets doing the same job in the same
// run (TCP loopback, and Unix sockets for ipc), plus small-message round-trip latency.
// Imports the built package (`npx tsc -b` first). A suite is an async generator of flat records.
// The same file is the peer process: `node transport.mjs --peer <zmq|raw> <address> <id>`.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DealerEndpoint, RouterEndpoint } from '../../packages/transport/dist/index.js';

// zeromq is a dependency of the transport package, not of the repository root: resolve it from there.
const { Dealer, Router } = createRequire(new URL('../../packages/transport/package.json', import.meta.url))('zeromq');

const self = fileURLToPath(import.meta.url);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

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

// ---------- peer processes ----------

/** A DealerEndpoint that counts model messages (replying `bye` after `expect`) and echoes pings. */
function zmqPeer(address, id) {
  let got = 0;
  const ep = DealerEndpoint.connect(address, {
    routingId: id,
    run: RUN,
    onMessage({ header, tensors }) {
      if (header.type !== 'task') return;
      if (header.config.ping) {
        void ep.send({ type: 'update', round: header.round, node: 0, weight: 1, metrics: {} });
      } else if (tensors.length > 0 && ++got === header.config.expect) {
        got = 0;
        void ep.send({ type: 'bye', round: header.round, node: -1, reason: 'done' });
      }
    },
  });
  void ep.send({ type: 'heartbeat', round: 0, node: -1 });
}

/** A raw socket peer: frames are [u32 kind, u32 length, payload]; kind 1 pings, kind 0 counts. */
function rawPeer(address) {
  const socket = createConnection(
    address.startsWith('/') ? { path: address } : { port: Number(address), host: '127.0.0.1' },
  );
  socket.setNoDelay(true);
  let kind = -1;
  let need = 8;
  let head = Buffer.alloc(0);
  let got = 0;
  let expect = 0;
  socket.on('data', (chunk) => {
    let at = 0;
    while (at < chunk.length) {
      if (kind === -1) {
        const take = Math.min(need, chunk.length - at);
        head = Buffer.concat([head, chunk.subarray(at, at + take)]);
        at += take;
        need -= take;
        if (need > 0) break;
        kind = head.readUInt32LE(0);
        need = head.readUInt32LE(4);
        head = Buffer.alloc(0);
        if (kind === 2) expect = need; // kind 2 announces how many frames will follow
        if (kind === 2 || need === 0) finish();
      } else {
        const take = Math.min(need, chunk.length - at);
        at += take;
        need -= take;
        if (need === 0) finish();
      }
    }
  });
  function finish() {
    if (kind === 1) socket.write(Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]));
    else if (kind === 0 && ++got === expect) {
      got = 0;
      socket.write(Buffer.from([3, 0, 0, 0, 0, 0, 0, 0]));
    }
    kind = -1;
    need = 8;
  }
}

/** Plain zeromq, no Starling: frames are [count, payload]; replies `done` after `count` payloads. */
async function plainZmqPeer(address, id) {
  const socket = new Dealer({ routingId: id, linger: 0 });
  socket.connect(address);
  await socket.send('hello');
  let got = 0;
  for await (const [count, payload] of socket) {
    if (!payload) await socket.send('pong');
    else if (++got === Number(count.toString())) {
      got = 0;
      await socket.send('done');
    }
  }
}

if (process.argv[2] === '--peer') {
  const [kind, address, id] = process.argv.slice(3);
  if (kind === 'zmq') zmqPeer(address, id);
  else if (kind === 'plain') void plainZmqPeer(address, id);
  else rawPeer(address);
}

// ---------- the measuring side ----------

function spawnPeers(kind, address, n) {
  return Array.from({ length: n }, (_, i) =>
    spawn(process.execPath, [self, '--peer', kind, address, `peer-${i}`], { stdio: ['ignore', 'inherit', 'inherit'] }),
  );
}

async function stop(children) {
  for (const c of children) c.kill('SIGKILL');
  await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? once(c, 'exit') : null)));
}

/**
 * A RouterEndpoint with `peers` DealerEndpoint children. `broadcast(bytes, messages, owned)` sends
 * `messages` models to every peer (copied at encode, or handed over with `owned: true`) and returns
 * the seconds until every peer confirmed them all; `ping()` returns one task/update round trip in µs.
 */
async function zmqSide(address, peers) {
  let done = 0;
  let pongs = 0;
  const sig = signal();
  const server = await RouterEndpoint.listen(address, {
    run: RUN,
    onMessage(m) {
      if (m.header.type === 'bye') done++;
      else pongs++;
      sig.poke();
    },
  });
  const children = spawnPeers('zmq', server.address, peers);
  while (server.peers().length < peers) await new Promise((r) => setTimeout(r, 10));
  const ids = server.peers().sort();
  const models = new Map();
  return {
    async broadcast(bytes, messages, owned) {
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
      await sig.wait(() => done >= peers);
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
async function plainZmqSide(address, peers) {
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
async function rawSide(path, peers) {
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

/**
 * Yields, per transport (tcp, ipc) and payload (1 MiB, 8 MiB): `{ name: 'broadcast', transport,
 * payload_bytes, peers, messages, gb_per_s, gb_per_s_owned, raw_gb_per_s, fraction_of_raw_tcp,
 * fraction_owned, median_of }`. gb_per_s counts model bytes delivered to all peers per second (median
 * of repeats, after one warm-up); the raw baseline is Node's `net` over TCP for tcp and over a Unix
 * socket for ipc, run alternately with ours so both see the same machine load; gb_per_s_owned hands
 * the model over with `owned: true` instead of copying it at encode; plain_zmq_gb_per_s is bare
 * zeromq ROUTER/DEALER (no validation, queues or copies), to show what ZeroMQ itself costs. Then
 * `{ name: 'round-trip', transport, median_us, raw_median_us, plain_zmq_median_us }` for a small
 * task/update exchange with one peer.
 * @param {{ peers?: number, repeats?: number, transports?: string[] }} [options]
 */
export default async function* run(options = {}) {
  const peers = options.peers ?? 2;
  const repeats = options.repeats ?? 5;
  for (const transport of options.transports ?? ['tcp', 'ipc']) {
    const base = join(tmpdir(), `starling-bench-${process.pid}`);
    const ours = await zmqSide(transport === 'tcp' ? 'tcp://127.0.0.1:*' : `ipc://${base}.zmq`, peers);
    const raw = await rawSide(transport === 'tcp' ? undefined : `${base}.raw`, peers);
    const plain = await plainZmqSide(transport === 'tcp' ? 'tcp://127.0.0.1:*' : `ipc://${base}.plain`, peers);
    try {
      for (const [bytes, messages] of [
        [2 ** 20, 48],
        [8 * 2 ** 20, 12],
      ]) {
        const t = { copy: [], owned: [], raw: [], plain: [] };
        for (let r = -1; r < repeats; r++) {
          const copy = await ours.broadcast(bytes, messages, false);
          const owned = await ours.broadcast(bytes, messages, true);
          const rawS = await raw.broadcast(bytes, messages);
          const plainS = await plain.broadcast(bytes, messages);
          if (r < 0) continue;
          t.copy.push(copy);
          t.owned.push(owned);
          t.raw.push(rawS);
          t.plain.push(plainS);
        }
        const rate = (secs) => (peers * messages * bytes) / 1e9 / median(secs);
        yield {
          name: 'broadcast',
          transport,
          payload_bytes: bytes,
          peers,
          messages,
          gb_per_s: rate(t.copy),
          gb_per_s_owned: rate(t.owned),
          raw_gb_per_s: rate(t.raw),
          plain_zmq_gb_per_s: rate(t.plain),
          fraction_of_raw_tcp: rate(t.copy) / rate(t.raw),
          fraction_owned: rate(t.owned) / rate(t.raw),
          median_of: repeats,
        };
      }
      const rtt = { ours: [], raw: [], plain: [] };
      for (let i = 0; i < 450; i++) {
        const a = await ours.ping();
        const b = await raw.ping();
        const c = await plain.ping();
        if (i < 50) continue;
        rtt.ours.push(a);
        rtt.raw.push(b);
        rtt.plain.push(c);
      }
      yield {
        name: 'round-trip',
        transport,
        median_us: median(rtt.ours),
        raw_median_us: median(rtt.raw),
        plain_zmq_median_us: median(rtt.plain),
      };
    } finally {
      await ours.close();
      await raw.close();
      await plain.close();
    }
  }
}

// `node bench/suites/transport.mjs` prints the records on their own.
if (import.meta.url === `file://${process.argv[1]}` && process.argv[2] !== '--peer') {
  for await (const record of run()) console.log(JSON.stringify(record));
}
