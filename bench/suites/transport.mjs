// Transport figures: model broadcast throughput (1 MiB and 8 MiB payloads) from a RouterEndpoint to
// DealerEndpoints in child processes, against Node's raw `net` sockets and bare zeromq doing the same
// job in the same run (TCP loopback, and Unix sockets / ipc), plus small-message round-trip latency.
// Imports the built package (`npx tsc -b` first). A suite is an async generator of flat records.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CPU_TIME_AVAILABLE, cpuSeconds } from '../lib/cpu-time.mjs';
import { plainZmqSide, rawSide, zmqSide } from '../lib/transport-sides.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** The SIMD level of @starling/native's NaN/Inf scan on this machine, or null when it cannot load. */
async function nativeScanLevel() {
  try {
    const { loadKernels } = await import('../../packages/native/dist/index.js');
    const loaded = loadKernels('auto');
    return loaded.backend === 'native' ? (loaded.simd ?? 'native') : null;
  } catch {
    return null;
  }
}

/** The measured variants: record-field suffix, which side, and whether the model is handed over. */
const VARIANTS = [
  ['', 'ours', false],
  ['_owned', 'ours', true],
  ['_native_scan', 'fast', false],
  ['_owned_native_scan', 'fast', true],
  ['plain_zmq', 'plain'],
  ['raw', 'raw'],
];
const field = (suffix, what) => (suffix === 'plain_zmq' || suffix === 'raw' ? `${suffix}_${what}` : `${what}${suffix}`);

/**
 * Yields, per transport (tcp, ipc) and payload (1 MiB, 8 MiB), a `broadcast` record. gb_per_s counts
 * model bytes delivered to all peers per second (median of repeats, after one warm-up); every variant
 * runs once per repeat, alternating, so all see the same machine load. Variants (field suffixes):
 * none = Starling endpoints copying the model at encode; `_owned` = handing it over with `owned: true`;
 * `_native_scan` and `_owned_native_scan` = the same with peers scanning f32 payloads with
 * @starling/native's `firstNonFinite` (`scan` names its SIMD level; null when the addon is not built);
 * `plain_zmq_` = bare zeromq ROUTER/DEALER (no validation, queues or copies); `raw_` = Node's `net`
 * over TCP (tcp) or a Unix socket (ipc). `fraction*` = throughput / raw (`fraction_of_raw_tcp` is the
 * copying variant). `cpu_ms_per_gb*` = CPU time of sender and peers (all threads, Linux only) per GB
 * delivered, summed over the repeats, and `cpu_fraction*` = raw's CPU per GB / the variant's: on this
 * CPU-bound 2-core box that predicts the throughput fraction on an idle machine, and it moves much
 * less than wall-clock figures when other work shares the cores. Then `{ name: 'round-trip',
 * transport, median_us, raw_median_us, plain_zmq_median_us }` for a small task/update exchange.
 * `quick` runs tcp only with 2 repeats and 150 pings.
 * @param {{ peers?: number, repeats?: number, quick?: boolean, transports?: string[] }} [options]
 */
export default async function* run(options = {}) {
  const peers = options.peers ?? 2;
  const repeats = options.repeats ?? (options.quick ? 2 : 5);
  const pings = options.quick ? 150 : 450;
  const scan = await nativeScanLevel();
  for (const transport of options.transports ?? (options.quick ? ['tcp'] : ['tcp', 'ipc'])) {
    const base = join(tmpdir(), `starling-bench-${process.pid}`);
    const at = (name) => (transport === 'tcp' ? 'tcp://127.0.0.1:*' : `ipc://${base}.${name}`);
    const sides = {
      ours: await zmqSide(at('zmq'), peers),
      fast: scan ? await zmqSide(at('fast'), peers, 'native') : null,
      raw: await rawSide(transport === 'tcp' ? undefined : `${base}.raw`, peers),
      plain: await plainZmqSide(at('plain'), peers),
    };
    try {
      for (const [bytes, messages] of [
        [2 ** 20, 48],
        [8 * 2 ** 20, 12],
      ]) {
        const secs = VARIANTS.map(() => []);
        const cpu = VARIANTS.map(() => 0);
        for (let r = -1; r < repeats; r++) {
          for (const [i, [, sideName, owned]] of VARIANTS.entries()) {
            const side = sides[sideName];
            if (!side) continue;
            const c0 = CPU_TIME_AVAILABLE ? cpuSeconds(side.pids) : 0;
            const s = await side.broadcast(bytes, messages, owned);
            if (r < 0) continue;
            secs[i].push(s);
            if (CPU_TIME_AVAILABLE) cpu[i] += cpuSeconds(side.pids) - c0;
          }
        }
        const gb = (peers * messages * bytes) / 1e9;
        const rate = secs.map((xs) => (xs.length === 0 ? null : gb / median(xs)));
        const cost = secs.map((xs, i) =>
          xs.length === 0 || !CPU_TIME_AVAILABLE ? null : (1e3 * cpu[i]) / (gb * xs.length),
        );
        const rawAt = VARIANTS.length - 1;
        const record = { name: 'broadcast', transport, payload_bytes: bytes, peers, messages };
        for (const [i, [suffix]] of VARIANTS.entries()) record[field(suffix, 'gb_per_s')] = rate[i];
        for (const [i, [suffix]] of VARIANTS.entries()) {
          if (i === rawAt) continue;
          const key =
            suffix === '' ? 'fraction_of_raw_tcp' : suffix === 'plain_zmq' ? 'plain_zmq_fraction' : `fraction${suffix}`;
          record[key] = rate[i] === null ? null : rate[i] / rate[rawAt];
        }
        for (const [i, [suffix]] of VARIANTS.entries()) record[field(suffix, 'cpu_ms_per_gb')] = cost[i];
        for (const [i, [suffix]] of VARIANTS.entries()) {
          if (i !== rawAt) record[field(suffix, 'cpu_fraction')] = cost[i] === null ? null : cost[rawAt] / cost[i];
        }
        yield { ...record, scan: scan ?? 'js only', median_of: repeats };
      }
      const rtt = { ours: [], raw: [], plain: [] };
      for (let i = 0; i < pings; i++) {
        const a = await sides.ours.ping();
        const b = await sides.raw.ping();
        const c = await sides.plain.ping();
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
      for (const side of Object.values(sides)) if (side) await side.close();
    }
  }
}

// `node bench/suites/transport.mjs` prints the records on their own.
if (import.meta.url === `file://${process.argv[1]}`) {
  for await (const record of run()) console.log(JSON.stringify(record));
}
