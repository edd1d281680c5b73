import { errors } from '@starling/core';
import {
  type EndpointLog,
  type EndpointStats,
  type IncomingMessage,
  type JsonValue,
  type NonFiniteScan,
  RouterEndpoint,
} from '@starling/transport';
import type { Downlink } from './downlink.js';
import type { RoundMachine, RoundSummary, ServerCommand, ServerEvent } from './round-machine.js';
import { type RoundTraffic, TrafficMeter } from './traffic.js';
import { UpdateDecoder } from './update-decoder.js';

/** The slice of a pino logger the server uses. */
export interface ServerLog extends EndpointLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** How the parameter server listens and whom it waits for. */
export interface ZmqServerOptions {
  /** `tcp://127.0.0.1:*`, `tcp://*:7000`, `ipc:///tmp/x.sock`, ... */
  readonly bind: string;
  /** The run id stamped on every message (letters, digits, `._:-`). */
  readonly run: string;
  /** Worker hosts to wait for before round 0; the virtual nodes are split over them. */
  readonly hosts: number;
  /** The welcome `config` for a host given these nodes (the run's setup and their partition). */
  readonly hostConfig: (host: string, nodes: readonly number[]) => JsonValue;
  /** Give up when fewer than `hosts` registered within this time (ms). */
  readonly joinTimeoutMs: number;
  readonly log: ServerLog;
  /** Called once the socket is bound, with the resolved address (e.g. the port picked for `:*`). */
  readonly onListening?: (address: string) => void;
  readonly heartbeatMs?: number;
  readonly peerTimeoutMs?: number;
  /** A faster NaN/Inf scan for received f32 frames (the native kernels'), checked against the reference. */
  readonly nonFiniteScan?: NonFiniteScan;
  /** Decodes each update's `delta` (compressed with `compression.up`, or raw f32 when absent). */
  readonly updates?: UpdateDecoder;
  /** The compressed downlink (`compression.down`): tasks carry x̂ or its deltas instead of the raw model. */
  readonly downlink?: Downlink;
}

/** What a finished ZeroMQ run reports besides its rounds. */
export interface ZmqRunReport {
  readonly rounds: number;
  /** Per host: bytes in each direction over the whole run (the per-link byte matrix of a star). */
  readonly links: Record<string, { bytesUp: number; bytesDown: number }>;
  readonly stats: EndpointStats;
  /** Updates the round logic rejected (late, unsolicited, duplicate, non-finite), by reason. */
  readonly rejectedUpdates: number;
}

/**
 * Runs the parameter server over a ZeroMQ ROUTER: waits for `hosts` worker hosts to say `hello`,
 * splits the nodes over them in contiguous blocks (hosts sorted by id), welcomes them, then carries out
 * the round machine's commands: one `task` per host per round (the model encoded once), updates and
 * training errors fed back as events, deadlines as timers, a lost host's nodes failed at once, and a
 * host that says `hello` again is welcomed back with the same nodes. Ends with `bye` to every host.
 */
export async function runZmqServer(
  machine: RoundMachine,
  nodeIds: readonly number[],
  opts: ZmqServerOptions,
  onRound: (summary: RoundSummary, traffic: RoundTraffic) => void | Promise<void>,
): Promise<ZmqRunReport> {
  const owner = new Map<number, string>();
  // Without a decoder, updates must be raw float32 (the round machine checks their length).
  const updates = opts.updates ?? {
    kind: null,
    decode: (t: { data: ArrayBufferView; codec?: string }) => {
      if (t.codec !== undefined || !(t.data instanceof Float32Array))
        throw errors.protocol('update: delta must be f32');
      return t.data;
    },
  };
  const assigned = new Map<string, number[]>();
  const lostHosts = new Set<string>();
  const pending: string[] = [];
  let started = false;
  let rejectedUpdates = 0;
  let queue: Promise<void> = Promise.resolve();
  let failRun: (e: unknown) => void = () => {};
  let finishRun: (rounds: number) => void = () => {};
  const done = new Promise<number>((resolve, reject) => {
    finishRun = resolve;
    failRun = reject;
  });
  const deadlines = new Map<number, NodeJS.Timeout>();
  let last = { up: 0, down: 0 };
  const meter = new TrafficMeter();
  const downlink = opts.downlink;

  const router = await RouterEndpoint.listen(opts.bind, {
    run: opts.run,
    log: opts.log,
    heartbeatMs: opts.heartbeatMs ?? 250,
    peerTimeoutMs: opts.peerTimeoutMs ?? 2000,
    nonFiniteScan: opts.nonFiniteScan,
    onMessage: (m) => onMessage(m),
    onPeer: (e) => {
      if (e.kind === 'joined') {
        // A host we had given up on speaks again without saying hello (it never noticed the gap, e.g.
        // its main thread was blocked): welcome it back with its nodes, as after a hello.
        if (started && lostHosts.delete(e.peer) && assigned.has(e.peer)) rejoin(e.peer);
        return;
      }
      lostHosts.add(e.peer);
      const nodes = assigned.get(e.peer) ?? [];
      opts.log.warn({ host: e.peer, kind: e.kind, reason: e.reason, nodes: nodes.length }, 'host gone');
      if (started)
        feed(nodes.map((node) => ({ type: 'node-lost', node, reason: `host ${e.peer} ${e.kind}: ${e.reason}` })));
    },
  });
  opts.onListening?.(router.address);
  const joinTimer = setTimeout(() => {
    if (!started)
      failRun(
        errors.runtime(`only ${pending.length} of ${opts.hosts} worker hosts joined within ${opts.joinTimeoutMs} ms`),
      );
  }, opts.joinTimeoutMs);

  const welcome = (host: string) => {
    downlink?.forget(host); // a (re-)registered host holds no model
    return router.send(host, {
      type: 'welcome',
      round: Math.max(0, machine.currentRound),
      node: -1,
      host,
      nodes: assigned.get(host) ?? [],
      config: opts.hostConfig(host, assigned.get(host) ?? []),
      digest: '',
      heartbeatMs: opts.heartbeatMs ?? 250,
      timeoutMs: opts.peerTimeoutMs ?? 2000,
    });
  };

  function rejoin(host: string): void {
    void welcome(host);
    feed((assigned.get(host) ?? []).map((node) => ({ type: 'node-joined', node })));
  }

  function onMessage(m: IncomingMessage): void {
    const h = m.header;
    if (h.type === 'hello') {
      if (assigned.has(m.peer)) {
        lostHosts.delete(m.peer);
        rejoin(m.peer);
        return;
      }
      if (started || pending.includes(m.peer)) {
        if (started) void welcome(m.peer); // a spare host: welcomed with no nodes
        return;
      }
      pending.push(m.peer);
      opts.log.info({ host: m.peer, joined: pending.length, expected: opts.hosts }, 'host joined');
      if (pending.length === opts.hosts) start();
    } else if (h.type === 'update' && started) {
      const delta = m.tensors.find((t) => t.name === 'delta');
      if (!delta || owner.get(h.node) !== m.peer) {
        rejectedUpdates++;
        opts.log.warn({ host: m.peer, node: h.node }, 'update without a delta or from the wrong host');
        return;
      }
      let decoded: Float32Array;
      try {
        decoded = updates.decode(delta);
      } catch (err) {
        // A malformed payload is a rejected update and a failure of that node in its round, never a crash.
        rejectedUpdates++;
        opts.log.warn({ host: m.peer, node: h.node, round: h.round, err }, 'malformed update rejected');
        feed([{ type: 'failure', round: h.round, node: h.node, reason: `rejected update: ${String(err)}` }]);
        return;
      }
      const reported = h.metrics.theoretical_bits;
      const bits = updates.kind === null ? 32 * decoded.length : reported !== undefined && reported >= 0 ? reported : 0;
      meter.up(h.round, UpdateDecoder.payloadBytes(delta), bits);
      const trainLoss = h.metrics.train_loss ?? 0;
      feed([{ type: 'update', round: h.round, node: h.node, samples: h.weight, trainLoss, delta: decoded }]);
    } else if (h.type === 'error' && started && h.node >= 0 && owner.get(h.node) === m.peer) {
      if (h.code === 'stale-model') downlink?.forget(m.peer);
      feed([{ type: 'failure', round: h.round, node: h.node, reason: `${h.code}: ${h.message}` }]);
    }
  }

  function start(): void {
    clearTimeout(joinTimer);
    const hosts = [...pending].sort();
    hosts.forEach((host, i) => {
      const nodes = nodeIds.filter((_, k) => Math.floor((k * hosts.length) / nodeIds.length) === i);
      assigned.set(host, nodes);
      for (const n of nodes) owner.set(n, host);
    });
    started = true;
    for (const host of hosts) void welcome(host);
    feed([{ type: 'start' }]);
  }

  /** Events are handled one batch at a time, in arrival order, so commands never interleave. */
  function feed(events: ServerEvent[]): void {
    queue = queue.then(async () => {
      for (const e of events) await execute(machine.handle(e));
    });
    queue.catch((e) => failRun(e));
  }

  async function execute(commands: ServerCommand[]): Promise<void> {
    for (const cmd of commands) {
      switch (cmd.type) {
        case 'dispatch': {
          router.setRound(cmd.round);
          const byHost = new Map<string, number[]>();
          for (const node of cmd.nodes) {
            const host = owner.get(node);
            if (host && router.peers().includes(host)) byHost.set(host, [...(byHost.get(host) ?? []), node]);
            else feed([{ type: 'failure', round: cmd.round, node, reason: 'host not connected' }]);
          }
          const task = (nodes: number[], model: 'full' | 'delta') => ({
            type: 'task' as const,
            round: cmd.round,
            node: -1,
            nodes,
            model,
            config: {},
            deadlineMs: 0,
          });
          if (downlink) {
            downlink.advance(cmd.round, cmd.model);
            for (const [peer, nodes] of byHost) {
              const msg = downlink.messageFor(peer);
              meter.down(cmd.round, msg.payloadBytes);
              void router.send(peer, task(nodes, msg.kind), msg.tensors);
            }
            break;
          }
          const targets = [...byHost].map(([peer, nodes]) => ({ peer, header: task(nodes, 'full') }));
          for (const _ of targets) meter.down(cmd.round, cmd.model.byteLength);
          void router.broadcast(targets, [{ name: 'model', data: cmd.model }]);
          break;
        }
        case 'arm-deadline':
          deadlines.set(
            cmd.round,
            setTimeout(() => feed([{ type: 'deadline', round: cmd.round }]), cmd.ms),
          );
          break;
        case 'round-closed': {
          clearTimeout(deadlines.get(cmd.summary.round));
          const t = router.stats().totals;
          const traffic: RoundTraffic = {
            bytesUp: t.bytesReceived - last.up,
            bytesDown: t.bytesSent - last.down,
            ...meter.take(cmd.summary.round),
          };
          last = { up: t.bytesReceived, down: t.bytesSent };
          await onRound(cmd.summary, traffic);
          break;
        }
        case 'rejected':
          rejectedUpdates++;
          opts.log.warn({ node: cmd.node, round: cmd.round, reason: cmd.reason }, 'update rejected');
          break;
        case 'finished':
          finishRun(cmd.completedRounds);
          break;
      }
    }
  }

  try {
    const rounds = await done;
    await Promise.all(
      router.peers().map((peer) => router.send(peer, { type: 'bye', round: 0, node: -1, reason: 'run finished' })),
    );
    const stats = router.stats();
    const links = Object.fromEntries(
      Object.entries(stats.peers).map(([peer, c]) => [peer, { bytesUp: c.bytesReceived, bytesDown: c.bytesSent }]),
    );
    return { rounds, links, stats, rejectedUpdates };
  } finally {
    clearTimeout(joinTimer);
    for (const t of deadlines.values()) clearTimeout(t);
    await router.close({ lingerMs: 200 });
  }
}
