import { errors, InterruptGrace } from '@starling/core';
import { HostWatch, type IncomingMessage, RouterEndpoint, toJsonValue } from '@starling/transport';
import { forWire } from '../node-setup.js';
import { admitPeer, hostKeys } from './coordinator-admission.js';
import { GossipBoundaries } from './coordinator-checkpoint.js';
import type { GossipCoordinatorOptions, GossipCoordinatorReport } from './coordinator-options.js';
import { GOSSIP_ZMTP } from './gossip-liveness.js';
import { GossipMonitor, type GossipRound } from './gossip-monitor.js';
import type { GossipHostConfig } from './gossip-setup.js';
import { decodeReport } from './report-codec.js';

/**
 * The run's rendezvous and monitor, never on the gossip path: binds a ROUTER, waits for `hosts` gossip
 * hosts to say `hello` with their gossip endpoint, gives each (sorted by id) a contiguous block of node
 * ids and welcomes it with the setup, its nodes' examples and every node's host and endpoint. The hosts
 * then gossip among themselves; the coordinator only collects their per-round reports (`update`
 * messages, with the model on report rounds), releases whole rounds in order to `onRound`, stops
 * waiting for the nodes of a lost host, fails the run when a host reports a peer gone non-finite
 * (`error` code `non-finite`), and says `bye` to every host when the run ends, however it ends.
 */
export async function runGossipCoordinator(o: GossipCoordinatorOptions): Promise<GossipCoordinatorReport> {
  const nodes = Array.from({ length: o.setup.peers }, (_, i) => i);
  const from = o.resume ? o.resume.round + 1 : 0;
  const monitor = new GossipMonitor(nodes, o.setup.rounds, from);
  const joined = new Map<string, string>();
  const owners: string[] = [];
  const lost = new Set<number>();
  const watch = new HostWatch(o.onHost);
  let boundaries: GossipBoundaries | null = null;
  let started = false;
  let refused = 0;
  /** Refused hosts already warned about (a refused host says hello every second). */
  const warned = new Set<string>();
  let queue: Promise<void> = Promise.resolve();
  let finishRun: () => void = () => {};
  let rejectRun: (e: unknown) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    finishRun = resolve;
    rejectRun = reject;
  });

  // Once the run stops (interrupt or failure) no further round is recorded, whatever arrives after:
  // the hosts' departures after the coordinator's own `bye` would otherwise release every remaining
  // round as "all peers lost".
  let stopping = false;
  const failRun = (e: unknown) => {
    stopping = true;
    rejectRun(e);
  };
  const release = (rounds: GossipRound[]) => {
    for (const r of rounds) {
      queue = queue
        .then(() => (stopping ? undefined : o.onRound(r)))
        .then(() => (stopping ? undefined : boundaries?.pass(r.round)))
        .then(() => grace.roundPassed()); // a round that passed during the grace: stop now
    }
    if (monitor.finished) queue.then(finishRun, failRun);
    queue.catch(failRun);
  };

  const router = await RouterEndpoint.listen(o.bind, {
    run: o.run,
    log: o.log,
    accept: ['hello', 'update', 'heartbeat', 'bye', 'error', 'peer-state'],
    heartbeatMs: o.heartbeatMs ?? 500,
    peerTimeoutMs: o.peerTimeoutMs ?? 10_000,
    ...GOSSIP_ZMTP,
    ...(o.security ? { security: o.security } : {}),
    onMessage: (m) => onMessage(m),
    onPeer: (e) => {
      if (e.kind === 'joined' || monitor.finished || stopping) return;
      watch.lost(e.peer, started ? monitor.nextRound : -1, `${e.kind}: ${e.reason}`);
      if (!started) return forget(e.peer, `${e.kind}: ${e.reason}`);
      const gone = nodes.filter((n) => owners[n] === e.peer && !lost.has(n));
      if (gone.length === 0) return;
      o.log.warn({ host: e.peer, kind: e.kind, reason: e.reason, nodes: gone }, 'gossip host gone');
      if (lost.size + gone.length === nodes.length) {
        // No peer is left to gossip: recording the remaining rounds as empty would be a run of nothing.
        failRun(errors.runtime(`every gossip peer was lost (the last host, ${e.peer}, ${e.kind}: ${e.reason})`));
        return;
      }
      announce(e.peer, gone);
      for (const n of gone) {
        lost.add(n);
        release(monitor.lose(n));
      }
      boundaries?.onLost(gone);
    },
  });
  if (o.boundary) {
    const { boundary, resume } = o;
    const m = { router, peers: nodes.length, rounds: o.setup.rounds, modelSize: o.modelSize, log: o.log };
    boundaries = new GossipBoundaries({ ...m, owners, lost, boundary, ...(resume ? { resume } : {}) });
  }
  o.onListening?.(router.address);
  const joinTimer = setTimeout(() => {
    if (!started)
      failRun(errors.runtime(`only ${joined.size} of ${o.hosts} gossip hosts joined within ${o.joinTimeoutMs} ms`));
  }, o.joinTimeoutMs);

  /** Before the start a lost host is forgotten: the run waits for `hosts` live ones (it may say hello again). */
  function forget(host: string, why: string): void {
    if (!joined.delete(host)) return;
    o.log.warn({ host, reason: why, joined: joined.size, expected: o.hosts }, 'gossip host gone before the start');
  }

  /**
   * Tells every other live host that `host` and its `gone` nodes are lost (message `lost`), so their
   * neighbours stop waiting for them: a host killed before its gossip links were up is never noticed by
   * the links themselves.
   */
  function announce(host: string, gone: number[]): void {
    const round = monitor.nextRound;
    for (const peer of router.peers()) {
      if (peer === host || !joined.has(peer)) continue; // never anything to a host that did not register
      void router.send(peer, { type: 'lost', round, node: -1, host, nodes: gone }, [], { timeoutMs: 10_000 });
    }
  }

  function onMessage(m: IncomingMessage): void {
    const h = m.header;
    if (h.type === 'hello') {
      const admitted = admitPeer(m.peer, h.endpoint, o.admit);
      if ('refused' in admitted) {
        if (!warned.has(m.peer)) o.log.warn({ host: m.peer, reason: admitted.refused }, 'hello refused');
        warned.add(m.peer);
        const bye = { type: 'bye', round: 0, node: -1, reason: admitted.refused } as const;
        void router.send(m.peer, bye, [], { timeoutMs: 1000 });
      } else if (started) {
        if (joined.has(m.peer)) void welcome(m.peer);
        else void router.send(m.peer, { type: 'bye', round: 0, node: -1, reason: 'the run has started' });
      } else if (!joined.has(m.peer)) {
        joined.set(m.peer, admitted.endpoint);
        watch.present(m.peer, -1);
        o.log.info(
          { host: m.peer, endpoint: h.endpoint, joined: joined.size, expected: o.hosts },
          'gossip host joined',
        );
        if (joined.size === o.hosts) start();
      }
    } else if (h.type === 'error' && started && h.code === 'non-finite' && owners[h.node] === m.peer) {
      failRun(errors.diverged(`peer ${h.node} went non-finite in round ${h.round}: ${h.message}`));
    } else if (h.type === 'update' && started) {
      const report = decodeReport(h, m.tensors);
      if (owners[h.node] !== m.peer || (report.model !== null && report.model.length !== o.modelSize)) {
        refused++;
        o.log.warn({ host: m.peer, node: h.node }, 'report refused: wrong host for the node or bad model');
        return;
      }
      release(monitor.add(report));
    } else if (h.type === 'peer-state' && started) boundaries?.onState(m);
  }

  function start(): void {
    clearTimeout(joinTimer);
    started = true;
    const hosts = [...joined.keys()].sort();
    nodes.forEach((n) => {
      owners[n] = hosts[Math.floor((n * hosts.length) / nodes.length)];
    });
    for (const host of hosts) void welcome(host);
    if (monitor.finished) release([]);
  }

  function welcome(host: string) {
    const mine = nodes.filter((n) => owners[n] === host);
    const config: GossipHostConfig = {
      kind: 'gossip',
      gossip: { ...o.setup, node: forWire(o.setup.node) },
      partition: Object.fromEntries(mine.map((n) => [String(n), Array.from(o.partition[n] ?? [])])),
      owners,
      endpoints: Object.fromEntries(joined),
      ...(o.security ? { keys: hostKeys(o.security, [...joined.keys()]) } : {}),
      ...(boundaries ? { lockstep: true, from } : {}),
    };
    const sent = router.send(host, {
      type: 'welcome',
      round: 0,
      node: -1,
      host,
      nodes: mine,
      config: toJsonValue(config, 'welcome.config'),
      digest: '',
      heartbeatMs: o.heartbeatMs ?? 500,
      timeoutMs: o.peerTimeoutMs ?? 10_000,
    });
    boundaries?.restore(host, mine);
    return sent;
  }

  const interrupt = () => {
    if (stopping) return;
    stopping = true;
    const stop = () => failRun(errors.interrupted(`after round ${monitor.nextRound - 1}`));
    queue = queue.then(stop, stop);
  };
  // Peers held at every boundary finish their round within the grace; that boundary checkpoints.
  const grace = new InterruptGrace(o.interruptGraceMs ?? 0, interrupt);
  const onAbort = () => {
    if (grace.abort(boundaries !== null && started && !stopping)) {
      o.log.info({ round: monitor.nextRound }, 'interrupted: letting the peers finish the round');
    }
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });
  if (o.signal?.aborted) onAbort();
  let bye: string | null = 'run failed';
  const sayBye = (reason: string) => {
    bye = null;
    return router.sayBye([...joined.keys()], reason);
  };
  try {
    await done;
    watch.close();
    await sayBye('run finished');
    const hosts = Object.fromEntries(
      [...joined].map(([host, endpoint]) => [host, { endpoint, nodes: nodes.filter((n) => owners[n] === host) }]),
    );
    return {
      rounds: monitor.nextRound,
      hosts,
      lost: [...lost].sort((a, b) => a - b),
      monitor: router.stats(),
      refused,
    };
  } catch (err) {
    bye = o.signal?.aborted
      ? 'coordinator interrupted'
      : `run failed: ${err instanceof Error ? err.message : String(err)}`;
    throw err;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    watch.close();
    clearTimeout(joinTimer);
    grace.close();
    // Every ending says bye, so no host gossips on for a run that is over.
    if (bye !== null) await sayBye(bye);
    await router.close({ lingerMs: 200 });
  }
}
