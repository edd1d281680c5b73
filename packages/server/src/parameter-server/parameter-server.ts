import { errors } from '@starling/core';
import { HostWatch, type NodeStatePayload, RouterEndpoint } from '@starling/transport';
import type { RoundMachine } from '../round-machine.js';
import type { ServerCommand, ServerEvent } from '../round-types.js';
import { TrafficMeter } from '../traffic.js';
import { Deadlines } from './deadlines.js';
import { Dispatcher } from './dispatcher.js';
import { HelloDesk } from './hello-desk.js';
import { HostEvents } from './host-events.js';
import { sendRefusal, sendWelcome } from './host-greetings.js';
import { HostRecovery } from './host-recovery.js';
import { armJoinTimeout } from './join-timeout.js';
import { Membership } from './membership.js';
import { NodeStateCollector, sendNodeStates } from './node-state-collector.js';
import { RefusedTraffic } from './refused-traffic.js';
import { type RoundCallback, RoundReporter } from './round-reporter.js';
import { RunCompletion } from './run-completion.js';
import { runLinks } from './run-links.js';
import { RunStop } from './run-stop.js';
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
  /** How `opts.signal` ends the run: at once, or after the open round closed (`interruptGraceMs`). */
  private readonly ending: RunStop;
  private readonly nodeStates = new NodeStateCollector();
  private readonly hellos: HelloDesk;
  private readonly refusedTraffic = new RefusedTraffic();
  private readonly watch: HostWatch;
  private readonly events: HostEvents;

  constructor(
    private readonly machine: RoundMachine,
    nodeIds: readonly number[],
    private readonly opts: ZmqServerOptions,
    private readonly onRound: RoundCallback,
  ) {
    this.membership = new Membership(opts.hosts, nodeIds);
    this.watch = new HostWatch(opts.onHost);
    this.ending = new RunStop({
      graceMs: opts.interruptGraceMs ?? 0,
      ...(opts.signal ? { signal: opts.signal } : {}),
      log: opts.log,
      round: () => this.machine.currentRound,
      stop: () => this.stopNow(),
    });
    this.intake = new UpdateIntake(opts.updates, this.meter, opts.log, opts.lane, (peer, bytes) =>
      this.refusedTraffic.refuse(peer, bytes),
    );
    const rule = { kind: 'worker', ...(opts.admit ? { ids: opts.admit } : {}) } as const;
    this.hellos = new HelloDesk(rule, this.membership, opts.hosts, opts.log, {
      bye: (host, reason) => void sendRefusal(this.io.router, host, reason),
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
    const { membership, hellos, watch, recovery, intake } = this;
    this.events = new HostEvents(
      { membership, hellos, watch, recovery, intake, position: () => this.machine.currentRound },
      {
        update: (event) => {
          if (event) this.feed([event]);
        },
        updates: (events) => this.feed([...events]),
        failed: (peer, h, reason) => {
          if (h.code === 'stale-model') this.opts.downlink?.forget(peer);
          this.feed([{ type: 'failure', round: h.round, node: h.node, reason }]);
        },
        nodeState: (peer, h, m) => this.nodeStates.accept(peer, h, m.tensors),
        // A checkpoint waiting for this host's node state fails now (the checkpoint is skipped), not in 60 s.
        lost: (peer) => this.nodeStates.hostLost(peer),
      },
    );
    // threads: the in-process host hands its by-reference updates and node states over directly (SharedLane.post).
    opts.lane?.listen(
      (m) => this.events.onLane(m),
      (ms) => this.events.onUpdateBatch(ms),
    );
  }

  /** Binds, runs every round and says `bye`; resolves with the report once the round machine finishes. */
  async run(): Promise<ZmqRunReport> {
    const router = await RouterEndpoint.listen(this.opts.bind, {
      run: this.opts.run,
      log: this.opts.log,
      heartbeatMs: this.opts.heartbeatMs ?? 250,
      peerTimeoutMs: this.opts.peerTimeoutMs ?? 2000,
      nonFiniteScan: this.opts.nonFiniteScan,
      // never stop reading a host: libzmq#3937 (docs/runtimes.md, "Big models over processes")
      receiveHighWaterMark: 0,
      ...(this.opts.security ? { security: this.opts.security } : {}),
      onMessage: (m) => this.events.onMessage(m),
      onPeer: (e) => this.events.onPeer(e),
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
          this.ending.roundPassed(); // a round that closed during the grace: the run stops after its report
        },
      ),
    };
    this.opts.onListening?.(router.address);
    const { hosts, joinTimeoutMs } = this.opts;
    const joinTimer = armJoinTimeout(this.membership, hosts, joinTimeoutMs, (e) => this.completion.fail(e));
    this.ending.listen();
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
      return { rounds, links: runLinks(stats), stats, rejectedUpdates: this.intake.rejected };
    } catch (err) {
      bye = this.ending.byeAfter(err);
      throw err;
    } finally {
      this.ending.close();
      clearTimeout(joinTimer);
      this.deadlines.clearAll();
      this.watch.close();
      this.recovery.close();
      // Every ending says bye, so no host waits for a server that is gone.
      if (bye !== null) await sayBye(bye);
      await router.close({ lingerMs: 200 });
    }
  }

  /**
   * Stops the run (`RunStop`): once the event batch in progress is handled (never a whole round: training
   * happens on the hosts), the run fails with an `interrupted` StarlingError; batches queued after it are
   * skipped, so nothing is recorded after the stop. Hosts are then told bye.
   */
  private stopNow(): void {
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
    const round = Math.max(0, this.machine.currentRound);
    return sendWelcome(this.io.router, host, this.membership.nodesOf(host), round, this.opts);
  }

  /** Queues a batch of events; batches run one at a time, in order. */
  private feed(events: ServerEvent[]): void {
    this.enqueue(async () => {
      for (const e of events) if (!this.ending.stopped) await this.execute(this.machine.handle(e));
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
