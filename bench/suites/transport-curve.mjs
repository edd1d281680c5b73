// What CURVE costs the transport: model broadcast throughput (1 MiB and 8 MiB payloads, as in the
// `transport` suite) from a RouterEndpoint to DealerEndpoint children over TCP loopback, plaintext against
// CURVE (ZAP allow-list, bound routing ids), plus the small task/update round trip. Both sides run once per
// repeat, alternating, so both see the same machine load. Imports the built package (`npx tsc -b` first).

import { generateIdentity } from '../../packages/transport/dist/index.js';
import { CPU_TIME_AVAILABLE, cpuSeconds } from '../lib/cpu-time.mjs';
import { zmqSide } from '../lib/transport-sides.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/**
 * Yields per payload a `curve-broadcast` record: `plain_gb_per_s` and `curve_gb_per_s` (model bytes delivered
 * to all peers per second, median of repeats after one warm-up), `curve_ratio` = curve / plain, and CPU
 * milliseconds per GB of sender and peers for both (`*_cpu_ms_per_gb`, Linux only), and the ZeroMQ disconnections
 * each side's ROUTER saw so far (`*_disconnects`; a broadcast a dropped link never confirms fails the suite
 * after 2 minutes with the connection events in the message). Then a `curve-round-trip`
 * record with the median small-message round trip of each (`plain_median_us`, `curve_median_us`, ratio).
 * `quick`: 2 repeats and 150 pings.
 * @param {{ peers?: number, repeats?: number, quick?: boolean }} [options]
 */
export default async function* run(options = {}) {
  const peers = options.peers ?? 2;
  const repeats = options.repeats ?? (options.quick ? 2 : 5);
  const pings = options.quick ? 150 : 450;
  const curve = {
    server: generateIdentity('server'),
    peers: Array.from({ length: peers }, (_, i) => generateIdentity(`peer-${i}`)),
  };
  const sides = {
    plain: await zmqSide('tcp://127.0.0.1:*', peers),
    curve: await zmqSide('tcp://127.0.0.1:*', peers, 'js', curve),
  };
  const names = Object.keys(sides);
  try {
    for (const [bytes, messages] of [
      [2 ** 20, 48],
      [8 * 2 ** 20, 12],
    ]) {
      const secs = { plain: [], curve: [] };
      const cpu = { plain: 0, curve: 0 };
      for (let r = -1; r < repeats; r++) {
        for (const name of names) {
          const side = sides[name];
          const c0 = CPU_TIME_AVAILABLE ? cpuSeconds(side.pids) : 0;
          const s = await side.broadcast(bytes, messages, false, 120_000);
          if (r < 0) continue;
          secs[name].push(s);
          if (CPU_TIME_AVAILABLE) cpu[name] += cpuSeconds(side.pids) - c0;
        }
      }
      const gb = (peers * messages * bytes) / 1e9;
      const rate = (name) => gb / median(secs[name]);
      const cost = (name) => (CPU_TIME_AVAILABLE ? (1e3 * cpu[name]) / (gb * repeats) : null);
      const disconnects = (name) => sides[name].stats().connections.disconnect ?? 0;
      yield {
        name: 'curve-broadcast',
        transport: 'tcp',
        payload_bytes: bytes,
        peers,
        messages,
        plain_gb_per_s: rate('plain'),
        curve_gb_per_s: rate('curve'),
        curve_ratio: rate('curve') / rate('plain'),
        plain_cpu_ms_per_gb: cost('plain'),
        curve_cpu_ms_per_gb: cost('curve'),
        plain_disconnects: disconnects('plain'),
        curve_disconnects: disconnects('curve'),
        median_of: repeats,
      };
    }
    const rtt = { plain: [], curve: [] };
    for (let i = 0; i < pings; i++) {
      for (const name of names) {
        const us = await sides[name].ping();
        if (i >= 50) rtt[name].push(us);
      }
    }
    const plain = median(rtt.plain);
    const curveUs = median(rtt.curve);
    yield {
      name: 'curve-round-trip',
      transport: 'tcp',
      plain_median_us: plain,
      curve_median_us: curveUs,
      curve_ratio: curveUs / plain,
      median_of: rtt.plain.length,
    };
  } finally {
    for (const side of Object.values(sides)) await side.close();
  }
}

// `node bench/suites/transport-curve.mjs` prints the records on their own.
if (import.meta.url === `file://${process.argv[1]}`) {
  for await (const record of run()) console.log(JSON.stringify(record));
}
