// The peer processes of bench/suites/transport.mjs:
// `node transport-peer.mjs <zmq|plain|raw> <address> <id> [js|native]`.
// zmq: a DealerEndpoint (scanning f32 payloads with the JS scan, or with @starling/native's when the
// last argument is `native`); plain: a bare zeromq DEALER; raw: a Node `net` socket. A zmq peer is a CURVE
// client when STARLING_BENCH_CURVE holds `{ identity, serverKey }` as JSON (its DealerEndpoint `security`).
import { createRequire } from 'node:module';
import { createConnection } from 'node:net';
import { DealerEndpoint } from '../../packages/transport/dist/index.js';

// zeromq is a dependency of the transport package, not of the repository root: resolve it from there.
const { Dealer } = createRequire(new URL('../../packages/transport/package.json', import.meta.url))('zeromq');
const RUN = 'bench-transport';

/** A DealerEndpoint that counts model messages (replying `bye` after `expect`) and echoes pings. */
async function zmqPeer(address, id, scan) {
  let nonFiniteScan;
  if (scan === 'native') {
    const { loadKernels } = await import('../../packages/native/dist/index.js');
    nonFiniteScan = loadKernels('native').kernels.compress.firstNonFinite;
  }
  let got = 0;
  const curve = process.env.STARLING_BENCH_CURVE;
  const ep = DealerEndpoint.connect(address, {
    routingId: id,
    security: curve ? JSON.parse(curve) : undefined,
    run: RUN,
    nonFiniteScan,
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

const [kind, address, id, scan] = process.argv.slice(2);
if (kind === 'zmq') await zmqPeer(address, id, scan);
else if (kind === 'plain') void plainZmqPeer(address, id);
else rawPeer(address);
