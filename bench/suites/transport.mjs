// Transport figures: model broadcast throughput (1 MiB and 8 MiB payloads) from a RouterEndpoint to
// DealerEndpoints in child processes, against Node's raw `net` sockets and bare zeromq doing the same
// job in the same run (TCP loopback, and Unix sockets / ipc), plus small-message round-trip latency.
// Imports the built package (`npx tsc -b` first). A suite is an async generator of flat records.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plainZmqSide, rawSide, zmqSide } from '../lib/transport-sides.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

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
 * `quick` runs tcp only with 2 repeats and 150 pings.
 * @param {{ peers?: number, repeats?: number, quick?: boolean, transports?: string[] }} [options]
 */
export default async function* run(options = {}) {
  const peers = options.peers ?? 2;
  const repeats = options.repeats ?? (options.quick ? 2 : 5);
  const pings = options.quick ? 150 : 450;
  for (const transport of options.transports ?? (options.quick ? ['tcp'] : ['tcp', 'ipc'])) {
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
      for (let i = 0; i < pings; i++) {
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
if (import.meta.url === `file://${process.argv[1]}`) {
  for await (const record of run()) console.log(JSON.stringify(record));
}
