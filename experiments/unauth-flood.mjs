#!/usr/bin/env node
// A CURVE parameter-server loop under a flood of unauthenticated connection attempts (issue 14).
//
// This process is the server: a RouterEndpoint with CURVE, a ZAP allow-list of W worker keys and bound
// routing ids. W worker processes (DealerEndpoints holding listed keys) answer each round's task (a model of
// --params f32, 199,210 = the 2NN of the FedAvg experiments) with an update of the same size; a round ends
// when every worker answered. Phases: `before` (--rounds rounds), `flood` (rounds go on while attacker
// processes make --attempts connection attempts: half plaintext, half CURVE with fresh unlisted keys, each
// claiming a worker's host id, sending a hello and an update, one attempt per socket), `after` (--rounds
// rounds). Prints one JSON line: median and p90 round time per phase, the server process's CPU time per round
// per phase (what refusing costs the server, apart from the attackers' own CPU on a shared machine), its RSS
// after warm-up, after the flood and at the end, refused connections and messages, and whether anything from an attacker reached
// the application (it must not). Exits 1 if it did or rounds failed.
//
//   node experiments/unauth-flood.mjs [--rounds 300] [--workers 2] [--params 199210] [--attempts 1000] [--attackers 4]
//
// Needs `npx tsc -b` first. Runs in about a minute on 2 cores.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { DealerEndpoint, generateIdentity, RouterEndpoint } from '../packages/transport/dist/index.js';

const self = fileURLToPath(import.meta.url);
const RUN = 'unauth-flood';
const flags = { rounds: 300, workers: 2, params: 199_210, attempts: 1000, attackers: 4 };

function parse(argv) {
  const o = { role: 'server' };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (key === 'role' || key === 'address' || key === 'keys' || key === 'mode') o[key] = argv[i + 1];
    else if (key in flags && Number.isInteger(Number(argv[i + 1]))) flags[key] = Number(argv[i + 1]);
    else {
      console.error(`unknown or invalid argument ${argv[i]}`);
      process.exit(2);
    }
  }
  return o;
}

/** A worker: answers every task with an update carrying a copy of the model. */
function worker(address, keys) {
  const { identity, serverKey } = JSON.parse(keys);
  const ep = DealerEndpoint.connect(address, {
    routingId: identity.name,
    run: RUN,
    security: { identity, serverKey },
    onMessage({ header, tensors }) {
      if (header.type === 'bye') process.exit(0);
      if (header.type !== 'task') return;
      const data = Float32Array.from(tensors[0].data);
      void ep.send({ type: 'update', round: header.round, node: 0, weight: 600, metrics: {} }, [
        { name: 'delta', data },
      ]);
    },
  });
  void ep.send({ type: 'heartbeat', round: 0, node: -1 });
}

/** An attacker: `attempts` one-shot connections (plaintext, or CURVE with a fresh unlisted key), 10 at a time. */
async function attacker(address, mode, serverKey) {
  // zeromq and msgpackr are dependencies of the transport package, not of the repository root
  const require = createRequire(new URL('../packages/transport/package.json', import.meta.url));
  const { Dealer, curveKeyPair } = require('zeromq');
  const { pack } = require('msgpackr');
  const hello = pack({ type: 'hello', v: 1, run: RUN, seq: 0, round: 0, node: -1, host: 'w-0', tensors: [] });
  const once = async (i) => {
    const pair = curveKeyPair();
    const curve =
      mode === 'unlisted'
        ? { curveServerKey: serverKey, curvePublicKey: pair.publicKey, curveSecretKey: pair.secretKey }
        : {};
    const s = new Dealer({
      routingId: i % 2 ? 'w-0' : `w-0~${'A'.repeat(22)}`,
      linger: 0,
      reconnectInterval: -1,
      ...curve,
    });
    s.connect(address);
    s.send(hello).catch(() => {});
    await new Promise((r) => setTimeout(r, 150));
    s.close();
  };
  for (let i = 0; i < flags.attempts; i += 10) {
    await Promise.all(Array.from({ length: Math.min(10, flags.attempts - i) }, (_, j) => once(i + j)));
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];
const rssMb = () => Math.round(process.memoryUsage().rss / 2 ** 20);

async function server() {
  const id = generateIdentity('server');
  const workers = Array.from({ length: flags.workers }, (_, i) => generateIdentity(`w-${i}`));
  let answered = 0;
  let wake = () => {};
  const strangers = [];
  const router = await RouterEndpoint.listen('tcp://127.0.0.1:*', {
    run: RUN,
    security: { identity: id, allow: new Map(workers.map((w) => [w.name, w.publicKey])) },
    onMessage(m) {
      if (!workers.some((w) => w.name === m.peer) || m.header.type === 'hello') strangers.push(m.peer);
      if (m.header.type === 'update') answered++;
      wake();
    },
  });
  const children = workers.map((w) =>
    spawn(
      process.execPath,
      [
        self,
        '--role',
        'worker',
        '--address',
        router.address,
        '--keys',
        JSON.stringify({ identity: w, serverKey: id.publicKey }),
      ],
      { stdio: 'inherit' },
    ),
  );
  while (router.peers().length < flags.workers) await new Promise((r) => setTimeout(r, 10));
  const model = new Float32Array(flags.params).fill(0.25);
  let round = 0;
  const oneRound = async () => {
    answered = 0;
    const t0 = performance.now();
    const header = { type: 'task', round, node: -1, nodes: [0], model: 'full', config: {}, deadlineMs: 0 };
    router.broadcast(
      workers.map((w) => ({ peer: w.name, header })),
      [{ name: 'model', data: model }],
    );
    while (answered < flags.workers) await new Promise((r) => (wake = r));
    round++;
    return performance.now() - t0;
  };
  for (let i = 0; i < 50; i++) await oneRound(); // warm-up
  const times = { before: [], flood: [], after: [] };
  const cpu = {};
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e3;
  };
  let c0 = cpuMs();
  for (let i = 0; i < flags.rounds; i++) times.before.push(await oneRound());
  cpu.before = cpuMs() - c0;
  const rssBefore = rssMb();
  const refusedBefore = router.stats().refused;
  const per = Math.ceil(flags.attempts / flags.attackers);
  const attackers = Array.from({ length: flags.attackers }, (_, i) =>
    spawn(
      process.execPath,
      [
        self,
        '--role',
        'attacker',
        '--address',
        router.address,
        '--mode',
        i % 2 ? 'unlisted' : 'plain',
        '--keys',
        id.publicKey,
        '--attempts',
        String(per),
      ],
      { stdio: 'inherit' },
    ),
  );
  let running = attackers.length;
  for (const a of attackers) a.on('exit', () => running--);
  const t0 = performance.now();
  c0 = cpuMs();
  while (running > 0) times.flood.push(await oneRound());
  cpu.flood = cpuMs() - c0;
  const floodSeconds = (performance.now() - t0) / 1e3;
  const rssAfterFlood = rssMb();
  c0 = cpuMs();
  for (let i = 0; i < flags.rounds; i++) times.after.push(await oneRound());
  cpu.after = cpuMs() - c0;
  const stats = router.stats();
  const summary = {
    experiment: 'unauth-flood',
    workers: flags.workers,
    params: flags.params,
    attempts: per * flags.attackers,
    flood_seconds: Number(floodSeconds.toFixed(1)),
    rounds: round,
    round_ms: Object.fromEntries(
      Object.entries(times).map(([k, xs]) => [
        k,
        { median: +median(xs).toFixed(2), p90: +p90(xs).toFixed(2), n: xs.length },
      ]),
    ),
    server_cpu_ms_per_round: Object.fromEntries(
      Object.entries(cpu).map(([k, ms]) => [k, +(ms / times[k].length).toFixed(2)]),
    ),
    rss_mb: { before_flood: rssBefore, after_flood: rssAfterFlood, end: rssMb() },
    refused: { before: refusedBefore, end: stats.refused },
    handshake_failures: Object.fromEntries(
      Object.entries(stats.connections).filter(([k]) => k.startsWith('handshake:error')),
    ),
    delivered_from_attackers: strangers.length,
  };
  console.log(JSON.stringify(summary));
  for (const c of children) c.kill('SIGKILL');
  await router.close();
  process.exitCode =
    strangers.length === 0 && round === 50 + times.before.length + times.flood.length + times.after.length ? 0 : 1;
}

const o = parse(process.argv.slice(2));
if (o.role === 'worker') worker(o.address, o.keys);
else if (o.role === 'attacker') await attacker(o.address, o.mode, o.keys);
else await server();
