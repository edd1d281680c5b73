import { errors, InterruptGrace } from '@starling/core';
import { HostWatch, type IncomingMessage, RouterEndpoint } from '@starling/transport';
import { admitPeer } from './coordinator-admission.js';
import { GossipBoundaries } from './coordinator-checkpoint.js';
import { HoldControl } from './coordinator-hold.js';
import { GossipMembership } from './coordinator-membership.js';
import type { GossipCoordinatorOptions, GossipCoordinatorReport } from './coordinator-options.js';
import { type RejoinContext, rejoinHost, replacementRefusal } from './coordinator-rejoin.js';
import { sendWelcome } from './coordinator-welcome.js';
import { GOSSIP_ZMTP } from './gossip-liveness.js';
import { GossipMonitor, type GossipRound } from './gossip-monitor.js';
import { decodeReport } from './report-codec.js';

/**
 * The run's rendezvous and monitor, never on the gossip path: binds a ROUTER, waits for `hosts` gossip
 * hosts to say `hello` with their gossip endpoint, gives each (sorted by id) a contiguous block of node
 * ids and welcomes it with the setup, its nodes' examples and every node's host and endpoint. The hosts
 * then gossip among themselves; the coordinator only collects their per-round reports (`update`
 * messages, with the model on report rounds), releases whole rounds in order to `onRound`, stops
 * waiting for the nodes of a lost host, fails the run when a host reports a peer gone non-finite
 * (`error` code `non-finite`), and says `bye` to every host when the run ends, however it ends.
 *
 * After the start, a `hello` from a host that carries no live node (another id, or a lost host back
 * with its id) while some host's nodes are lost makes it the replacement of the lowest such block: the
 * peers are aligned (`hold`), every other host is told where the nodes live from the next round on
 * (`moved`), and the replacement is welcomed with their state (`rejoinState`). CHOCO runs take no
 * replacement (the compressed copies on both ends of each link would disagree).
 */
export async function runGossipCoordinator(o: GossipCoordinatorOptions): Promise<GossipCoordinatorReport> {
  const nodes = Array.from({ length: o.setup.peers }, (_, i) => i);
  const from = o.resume ? o.resume.round + 1 : 0;
  const monitor = new GossipMonitor(nodes, o.setup.rounds, from);
  const members = new GossipMembership(nodes);
  const { joined, owners, lost } = members;
  const pendingRejoin = new Set<string>();
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
  const enqueue = (step: () => unknown) => {
    queue = queue.then(async () => {
      await step();
    });
    queue.catch(failRun);
  };
  const release = (rounds: GossipRound[]) => {
    for (const r of rounds) {
      queue = queue
        .then(() => (stopping ? undefined : o.onRound(r)))
        .then(() => (stopping || !boundaries ? !boundaries : boundaries.pass(r.round)))
        .then((passed) => {
          if (passed) grace.roundPassed(); // a boundary passed during the grace: stop now
        });
    }
    if (monitor.finished) queue.then(finishRun, failRun);
    queue.catch(failRun);
  };

  const router = await RouterEndpoint.listen(o.bind, {
    run: o.run,
    log: o.log,
    accept: ['hello', 'update', 'heartbeat', 'bye', 'error', 'peer-state', 'hold'],
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
      if (gone.length > 0) loseHost(e.peer, `${e.kind}: ${e.reason}`, gone);
    },
  });

  /** Host `host` is gone with its live nodes `gone`: the neighbours are told, the monitor stops waiting. */
  function loseHost(host: string, why: string, gone: number[]): void {
    o.log.warn({ host, reason: why, nodes: gone }, 'gossip host gone');
    if (lost.size + gone.length === nodes.length) {
      // No peer is left to gossip: recording the remaining rounds as empty would be a run of nothing.
      failRun(errors.runtime(`every gossip peer was lost (the last host, ${host}, ${why})`));
      return;
    }
    announce(host, gone);
    members.lose(host, gone);
    for (const n of gone) release(monitor.lose(n));
    boundaries?.onLost(gone);
  }
  const liveHosts = () => members.liveHosts(router.peers());
  const hold = new HoldControl(
    {
      router,
      rounds: o.setup.rounds,
      log: o.log,
      hosts: liveHosts,
      ...(o.holdAfter ? { holdAfter: o.holdAfter } : {}),
    },
    from,
  );
  if (o.boundary) {
    const { boundary, resume } = o;
    const m = { router, peers: nodes.length, rounds: o.setup.rounds, modelSize: o.modelSize, log: o.log };
    boundaries = new GossipBoundaries({ ...m, owners, lost, boundary, hold, ...(resume ? { resume } : {}) });
  }
  const rejoin: RejoinContext = {
    setup: o.setup,
    members,
    monitor,
    hold,
    router,
    log: o.log,
    ...(o.security ? { security: o.security } : {}),
    latest: () => boundaries?.latest ?? null,
    ending: () => stopping || monitor.finished,
    welcome: (host) => welcome(host),
    presence: watch,
  };
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
        lateHello(m.peer, admitted.endpoint);
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
      members.noteReport(m.peer, h.node, h.round, report.model);
      release(monitor.add(report));
    } else if (h.type === 'peer-state' && started) boundaries?.onState(m);
    else if (h.type === 'hold' && started) hold.onHold(m);
  }

  /**
   * A `hello` after the start: a duplicate from a welcomed host that has not reported yet is answered
   * with the welcome again; a host that reported since and says hello again restarted (its nodes,
   * still counted live, are lost first); a host with no live node becomes the replacement of the
   * lowest lost block (`rejoinHost`), if any (else `bye`).
   */
  function lateHello(host: string, endpoint: string): void {
    const live = members.liveNodesOf(host);
    if (live.length > 0 && !members.hasReported(host)) {
      void welcome(host);
      return;
    }
    if (live.length > 0) {
      watch.lost(host, monitor.nextRound, 'restarted: said hello again');
      loseHost(host, 'restarted: said hello again', live);
    }
    const refused = replacementRefusal(members, o.setup);
    if (refused !== null) {
      void router.send(host, { type: 'bye', round: 0, node: -1, reason: refused });
      return;
    }
    if (pendingRejoin.has(host)) return;
    pendingRejoin.add(host);
    enqueue(() =>
      rejoinHost(rejoin, host, endpoint)
        .catch((err: unknown) => {
          // The run goes on without the replacement; its nodes stay lost.
          o.log.error({ err, host }, 'replacement gossip host could not be admitted');
          void router.send(host, { type: 'bye', round: 0, node: -1, reason: 'replacement failed' });
        })
        .finally(() => pendingRejoin.delete(host)),
    );
  }

  function start(): void {
    clearTimeout(joinTimer);
    started = true;
    for (const host of members.assign()) void welcome(host);
    if (monitor.finished) release([]);
  }

  const beats = { heartbeatMs: o.heartbeatMs ?? 500, timeoutMs: o.peerTimeoutMs ?? 10_000 };
  const greet = { ...o, ...beats, members, hold, router, from, boundaries: () => boundaries };
  const welcome = (host: string) => sendWelcome(greet, host);

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
      o.log.info({ round: monitor.nextRound }, 'interrupted: holding the peers at the next common round');
      enqueue(async () => {
        const at = await hold.align(true);
        o.log.info({ round: at }, 'interrupted: the peers stop after this round, which is checkpointed');
      });
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
      [...joined].map(([host, endpoint]) => [host, { endpoint, nodes: members.nodesOf(host) }]),
    );
    return {
      rounds: monitor.nextRound,
      hosts,
      lost: [...lost].sort((a, b) => a - b),
      everLost: members.everLostCount,
      rejoined: members.rejoined,
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
