import { errors, InterruptGrace } from '@starling/core';
import {
  HostWatch,
  type IncomingMessage,
  type NodeStatePayload,
  type PeerEvent,
  RouterEndpoint,
} from '@starling/transport';
import type { RoundMachine } from '../round-machine.js';
import type { ServerCommand, ServerEvent } from '../round-types.js';
import { TrafficMeter } from '../traffic.js';
import { Deadlines } from './deadlines.js';
import { Dispatcher } from './dispatcher.js';
import { HelloDesk } from './hello-desk.js';
import { HostRecovery } from './host-recovery.js';
import { Membership } from './membership.js';
import { NodeStateCollector, sendNodeStates } from './node-state-collector.js';
import { RefusedTraffic } from './refused-traffic.js';
import { type RoundCallback, RoundReporter } from './round-reporter.js';
import { RunCompletion } from './run-completion.js';
import type { ZmqRunReport, ZmqServerOptions } from './server-options.js';
import { UpdateIntake } from './update-intake.js';

/** The parts that exist once the socket is bound. */
interface Wired {
  readonly router: RouterEndpoint;
  readonly dispatcher: Dispatcher;
  readonly reporter: RoundReporter;
}

/**
 * The parameter server over a ZeroMQ ROUTER: waits for `hosts` worker hosts to say `hello`, splits the
 * nodes over them in contiguous blocks (`Membership`), welcomes them, then carries out the round
 * machine's commands: one `task` per host per round (`Dispatcher`: the model encoded once, or the
 * downlink's deltas), updates and training errors fed back as events (`UpdateIntake`), deadlines as
 * timers (`Deadlines`), closed rounds reported with their traffic (`RoundReporter`). Lost and returning
 * hosts are `HostRecovery`'s: a lost host's nodes fail at once while other hosts carry on, move to a
 * spare host, or, when every host is gone, are waited for up to `hostWaitMs`; a host that says `hello`
 * again gets its nodes back and a new one takes over a lost host's nodes. Events are handled one batch
 * at a time in arrival order, so commands never interleave. Ends with `bye` to every host, whether the
 * run finished, failed or was interrupted (`opts.signal`). The wire protocol is docs/protocol.md.
 */
export class ParameterServer {
  private readonly membership: Membership;
  private readonly meter = new TrafficMeter();
  private readonly deadlines = new Deadlines();
  private readonly intake: UpdateIntake;
  private readonly completion = new RunCompletion();
  private readonly recovery: HostRecovery;
  private queue: Promise<void> = Promise.resolve();
  private wired: Wired | null = null;
  /** Set once the run stops on `opts.signal`: no event is handled after that. */
  private stopping = false;
  /** How an abort stops the run: at once, or after the open round closed (`interruptGraceMs`). */
  private readonly grace: InterruptGrace;
  private readonly nodeStates = new NodeStateCollector();
  private readonly hellos: HelloDesk;
  private readonly refusedTraffic = new RefusedTraffic();
  private readonly watch: HostWatch;

  constructor(
    private readonly machine: RoundMachine,
    nodeIds: readonly number[],
    private readonly opts: ZmqServerOptions,
    private readonly onRound: RoundCallback,
  ) {
    this.membership = new Membership(opts.hosts, nodeIds);
    this.watch = new HostWatch(opts.onHost);
    this.grace = new InterruptGrace(opts.interruptGraceMs ?? 0, () => this.stopNow());
    this.intake = new UpdateIntake(opts.updates, this.meter, opts.log, opts.lane, (peer, bytes) =>
      this.refusedTraffic.refuse(peer, bytes),
    );
    // threads: the in-process host hands its by-reference updates and node states over directly (SharedLane.post).
    opts.lane?.listen((m) => this.onLaneUpdate(m));
    const rule = { kind: 'worker', ...(opts.admit ? { ids: opts.admit } : {}) } as const;
    this.hellos = new HelloDesk(rule, this.membership, opts.hosts, opts.log, {
      bye: (host, reason) =>
        void this.io.router.send(host, { type: 'bye', round: 0, node: -1, reason: reason.slice(0, 256) }, [], {
          timeoutMs: 1000,
        }),
      refused: (host, bytes) => this.refusedTraffic.refuse(host, bytes),
      welcome: (host) => void this.welcome(host),
      arrived: (host) => this.recovery.arrived(host),
      start: () => this.start(),
      round: () => this.machine.currentRound,
    });
    this.recovery = new HostRecovery(this.membership, opts.hostWaitMs ?? 60_000, opts.log, {
      welcome: (host) => void this.welcome(host),
      feed: (events) => this.feed(events),
      redispatch: (host) => this.enqueue(() => this.redispatch(host)),
      fail: (err) => this.completion.fail(err),
      pauseDeadlines: () => this.deadlines.pause(),
      resumeDeadlines: () => this.deadlines.resume(),
      round: () => this.machine.currentRound,
      expectsReturn: (host) => this.opts.expectsReturn?.(host) ?? false,
    });
  }

  /** Binds, runs every round and says `bye`; resolves with the report once the round machine finishes. */
  async run(): Promise<ZmqRunReport> {
    const router = await RouterEndpoint.listen(this.opts.bind, {
      run: this.opts.run,
      log: this.opts.log,
      heartbeatMs: this.opts.heartbeatMs ?? 250,
      peerTimeoutMs: this.opts.peerTimeoutMs ?? 2000,
      nonFiniteScan: this.opts.nonFiniteScan,
      ...(this.opts.security ? { security: this.opts.security } : {}),
      onMessage: (m) => this.onMessage(m),
      onPeer: (e) => this.onPeer(e),
    });
    // A raw Δ (4·P bytes) on its way here silences its host that long: not a loss.
    router.expectPayload(4 * this.machine.params.length);
    this.wired = {
      router,
      dispatcher: new Dispatcher(router, this.meter, this.opts.downlink, this.opts.control, this.opts.lane),
      reporter: new RoundReporter(
        () => this.received(router),
        this.meter,
        async (summary, traffic) => {
          await this.onRound(summary, traffic);
          this.grace.roundPassed(); // a round that closed during the grace: the run stops after its report
        },
      ),
    };
    this.opts.onListening?.(router.address);
    const joinTimer = setTimeout(() => this.joinTimedOut(), this.opts.joinTimeoutMs);
    const { signal } = this.opts;
    const onAbort = () => this.interrupt();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) this.interrupt();
    let bye: string | null = 'run failed';
    const sayBye = (reason: string) => {
      bye = null;
      return router.sayBye(router.peers(), reason);
    };
    try {
      const rounds = await this.completion.done;
      this.watch.close();
      this.recovery.close();
      await sayBye('run finished');
      const stats = router.stats();
      const links = Object.fromEntries(
        Object.entries(stats.peers).map(([peer, c]) => [peer, { bytesUp: c.bytesReceived, bytesDown: c.bytesSent }]),
      );
      return { rounds, links, stats, rejectedUpdates: this.intake.rejected };
    } catch (err) {
      bye =
        this.stopping || this.grace.draining
          ? 'server interrupted'
          : `run failed: ${err instanceof Error ? err.message : String(err)}`;
      throw err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      clearTimeout(joinTimer);
      this.grace.close();
      this.deadlines.clearAll();
      this.watch.close();
      this.recovery.close();
      // Every ending says bye, so no host waits for a server that is gone.
      if (bye !== null) await sayBye(bye);
      await router.close({ lingerMs: 200 });
    }
  }

  /** `opts.signal` aborted: the open round may still close within `interruptGraceMs` (see the option). */
  private interrupt(): void {
    const round = this.machine.currentRound;
    if (this.grace.abort(round >= 0)) this.opts.log.info({ round }, 'interrupted: letting the open round close');
  }

  /**
   * Stops the run: once the event batch in progress is handled (never a whole round: training happens on
   * the hosts), the run fails with an `interrupted` StarlingError; batches queued after it are skipped,
   * so nothing is recorded after the stop. Hosts are then told bye.
   */
  private stopNow(): void {
    if (this.stopping) return;
    this.stopping = true;
    const stop = () => {
      const open = this.machine.currentRound;
      this.completion.fail(errors.interrupted(open < 0 ? 'before round 0' : `while round ${open} was open`));
    };
    this.queue = this.queue.then(stop, stop);
  }

  /**
   * The persistent state of every node, collected from the hosts (`node-state`, docs/protocol.md) for a
   * run checkpoint after `round`; call it from the round callback, when no task is out.
   */
  collectNodeState(round: number): Promise<NodeStatePayload[]> {
    const router = this.io.router;
    const hosts = router.peers().filter((h) => this.membership.nodesOf(h).length > 0);
    return this.nodeStates.collect(router, hosts, round);
  }

  /** A resumed run: hands `host` its nodes' checkpointed state right after its first `welcome`. */
  private restoreNodeState(host: string): void {
    const restore = this.opts.restoreNodeState;
    const round = Math.max(0, this.machine.currentRound);
    if (restore) sendNodeStates(this.io.router, host, this.membership.nodesOf(host), restore, round);
  }

  /** The socket's cumulative bytes, refused traffic apart (see `RefusedTraffic`). */
  private received(router: RouterEndpoint) {
    const stats = router.stats();
    const split = this.refusedTraffic.take(stats, (peer) => this.membership.registered(peer));
    return { up: split.run, down: stats.totals.bytesSent, refused: split.refused };
  }

  private get io(): Wired {
    if (!this.wired) throw errors.runtime('parameter server: socket used before it was bound');
    return this.wired;
  }

  private joinTimedOut(): void {
    if (this.membership.started) return;
    const { joined } = this.membership;
    this.completion.fail(
      errors.runtime(`only ${joined} of ${this.opts.hosts} worker hosts joined within ${this.opts.joinTimeoutMs} ms`),
    );
  }

  private onPeer(e: PeerEvent): void {
    if (e.kind !== 'joined') {
      this.watch.lost(e.peer, this.machine.currentRound, `${e.kind}: ${e.reason}`);
      // A checkpoint waiting for this host's node state fails now (the checkpoint is skipped), not in 60 s.
      this.nodeStates.hostLost(e.peer);
      this.recovery.lost(e.peer, `${e.kind}: ${e.reason}`, e.kind === 'lost');
    }
    // A host we had given up on speaks again without saying hello: welcome it back, as after a hello.
    else if (this.membership.reconnected(e.peer)) {
      this.watch.present(e.peer, this.machine.currentRound);
      this.recovery.arrived(e.peer);
    }
  }

  private onMessage(m: IncomingMessage): void {
    const h = m.header;
    const started = this.membership.started;
    const previousSeq = this.hellos.seen(m);
    if (h.type === 'hello') {
      this.hellos.hello(m, h, previousSeq);
      if (this.membership.registered(m.peer) && !this.membership.isLost(m.peer))
        this.watch.present(m.peer, this.machine.currentRound);
    } else if (h.type === 'update' && started) {
      const event = this.intake.accept(m, h, this.membership.ownerOf(h.node));
      if (event) this.feed([event]);
    } else if (h.type === 'node-state') {
      this.nodeStates.accept(m.peer, h, m.tensors);
    } else if (h.type === 'error' && started && h.node >= 0 && this.membership.ownerOf(h.node) === m.peer) {
      if (h.code === 'stale-model') this.opts.downlink?.forget(m.peer);
      this.feed([{ type: 'failure', round: h.round, node: h.node, reason: `${h.code}: ${h.message}` }]);
    }
  }

  /** An update or node state the in-process host handed over by the lane (threads): as if from the socket. */
  private onLaneUpdate(m: IncomingMessage): void {
    const h = m.header;
    if (h.type === 'node-state') this.nodeStates.accept(m.peer, h, m.tensors);
    if (h.type !== 'update' || !this.membership.started) return;
    const event = this.intake.accept(m, h, this.membership.ownerOf(h.node));
    if (event) this.feed([event]);
  }

  private start(): void {
    const hosts = this.membership.start();
    for (const host of hosts) {
      void this.welcome(host);
      this.restoreNodeState(host);
    }
    this.feed([{ type: 'start' }]);
  }

  private welcome(host: string): Promise<unknown> {
    this.opts.downlink?.forget(host); // a (re-)registered host holds no model
    const nodes = this.membership.nodesOf(host);
    return this.io.router.send(host, {
      type: 'welcome',
      round: Math.max(0, this.machine.currentRound),
      node: -1,
      host,
      nodes,
      config: this.opts.hostConfig(host, nodes),
      digest: '',
      heartbeatMs: this.opts.heartbeatMs ?? 250,
      timeoutMs: this.opts.peerTimeoutMs ?? 2000,
    });
  }

  /** Queues a batch of events; batches run one at a time, in order. */
  private feed(events: ServerEvent[]): void {
    this.enqueue(async () => {
      for (const e of events) if (!this.stopping) await this.execute(this.machine.handle(e));
    });
  }

  /** Queues a step after every batch queued before it. */
  private enqueue(step: () => void | Promise<void>): void {
    this.queue = this.queue.then(step);
    this.queue.catch((e) => this.completion.fail(e));
  }

  /** Sends the open round again to `host` for the awaited nodes it carries (it came back or took over). */
  private redispatch(host: string): void {
    const round = this.machine.currentRound;
    const nodes = this.machine.awaiting.filter((node) => this.membership.ownerOf(node) === host);
    if (nodes.length === 0) return;
    this.opts.log.info({ host, round, nodes: nodes.length }, 'open round sent again');
    this.dispatch({ type: 'dispatch', round, nodes, model: this.machine.params });
  }

  private dispatch(cmd: Extract<ServerCommand, { type: 'dispatch' }>): void {
    this.io.dispatcher.dispatch(
      cmd,
      (node) => this.membership.ownerOf(node),
      // A held node (every host gone) waits for its host or a replacement instead of failing.
      (node) => {
        if (!this.recovery.holds(node))
          this.feed([{ type: 'failure', round: cmd.round, node, reason: 'host not connected' }]);
      },
    );
  }

  private async execute(commands: ServerCommand[]): Promise<void> {
    // A closed round's report (evaluation, metrics) is awaited after the next round's dispatch, so hosts
    // train while it runs; its traffic is taken when the round closes, before the dispatch's bytes.
    let reported: Promise<void> = Promise.resolve();
    for (const cmd of commands) {
      switch (cmd.type) {
        case 'dispatch':
          this.dispatch(cmd);
          break;
        case 'arm-deadline':
          this.deadlines.arm(cmd.round, cmd.ms, () => this.feed([{ type: 'deadline', round: cmd.round }]));
          break;
        case 'round-closed':
          this.deadlines.clear(cmd.summary.round);
          reported = this.io.reporter.report(cmd.summary);
          reported.catch(() => undefined); // awaited below; this only keeps a failure from going unhandled
          if (!this.opts.reportAfterDispatch) await reported;
          break;
        case 'rejected':
          this.intake.countRejected(cmd.node);
          this.opts.log.warn({ node: cmd.node, round: cmd.round, reason: cmd.reason }, 'update rejected');
          break;
        case 'finished':
          await reported;
          this.completion.finish(cmd.completedRounds);
          break;
      }
    }
    await reported;
  }
}
