import { errors } from '@starling/core';
import { type IncomingMessage, type PeerEvent, RouterEndpoint } from '@starling/transport';
import type { RoundMachine } from '../round-machine.js';
import type { ServerCommand, ServerEvent } from '../round-types.js';
import { TrafficMeter } from '../traffic.js';
import { Deadlines } from './deadlines.js';
import { Dispatcher } from './dispatcher.js';
import { Membership } from './membership.js';
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
 * timers (`Deadlines`), closed rounds reported with their traffic (`RoundReporter`), a lost host's
 * nodes failed at once, and a host that says `hello` again welcomed back with the same nodes. Events
 * are handled one batch at a time in arrival order, so commands never interleave. Ends with `bye` to
 * every host. The wire protocol is docs/protocol.md.
 */
export class ParameterServer {
  private readonly membership: Membership;
  private readonly meter = new TrafficMeter();
  private readonly deadlines = new Deadlines();
  private readonly intake: UpdateIntake;
  private readonly completion = new RunCompletion();
  private queue: Promise<void> = Promise.resolve();
  private wired: Wired | null = null;

  constructor(
    private readonly machine: RoundMachine,
    nodeIds: readonly number[],
    private readonly opts: ZmqServerOptions,
    private readonly onRound: RoundCallback,
  ) {
    this.membership = new Membership(opts.hosts, nodeIds);
    this.intake = new UpdateIntake(opts.updates, this.meter, opts.log, opts.lane);
  }

  /** Binds, runs every round and says `bye`; resolves with the report once the round machine finishes. */
  async run(): Promise<ZmqRunReport> {
    const router = await RouterEndpoint.listen(this.opts.bind, {
      run: this.opts.run,
      log: this.opts.log,
      heartbeatMs: this.opts.heartbeatMs ?? 250,
      peerTimeoutMs: this.opts.peerTimeoutMs ?? 2000,
      nonFiniteScan: this.opts.nonFiniteScan,
      onMessage: (m) => this.onMessage(m),
      onPeer: (e) => this.onPeer(e),
    });
    this.wired = {
      router,
      dispatcher: new Dispatcher(router, this.meter, this.opts.downlink),
      reporter: new RoundReporter(() => router.stats().totals, this.meter, this.onRound),
    };
    this.opts.onListening?.(router.address);
    const joinTimer = setTimeout(() => this.joinTimedOut(), this.opts.joinTimeoutMs);
    try {
      const rounds = await this.completion.done;
      await Promise.all(
        router.peers().map((peer) => router.send(peer, { type: 'bye', round: 0, node: -1, reason: 'run finished' })),
      );
      const stats = router.stats();
      const links = Object.fromEntries(
        Object.entries(stats.peers).map(([peer, c]) => [peer, { bytesUp: c.bytesReceived, bytesDown: c.bytesSent }]),
      );
      return { rounds, links, stats, rejectedUpdates: this.intake.rejected };
    } finally {
      clearTimeout(joinTimer);
      this.deadlines.clearAll();
      await router.close({ lingerMs: 200 });
    }
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
    if (e.kind === 'joined') {
      // A host we had given up on speaks again without saying hello: welcome it back, as after a hello.
      if (this.membership.reconnected(e.peer)) this.rejoin(e.peer);
      return;
    }
    const nodes = this.membership.markLost(e.peer);
    this.opts.log.warn({ host: e.peer, kind: e.kind, reason: e.reason, nodes: nodes.length }, 'host gone');
    if (this.membership.started) {
      this.feed(nodes.map((node) => ({ type: 'node-lost', node, reason: `host ${e.peer} ${e.kind}: ${e.reason}` })));
    }
  }

  private onMessage(m: IncomingMessage): void {
    const h = m.header;
    const started = this.membership.started;
    if (h.type === 'hello') {
      this.onHello(m.peer);
    } else if (h.type === 'update' && started) {
      const event = this.intake.accept(m, h, this.membership.ownerOf(h.node));
      if (event) this.feed([event]);
    } else if (h.type === 'error' && started && h.node >= 0 && this.membership.ownerOf(h.node) === m.peer) {
      if (h.code === 'stale-model') this.opts.downlink?.forget(m.peer);
      this.feed([{ type: 'failure', round: h.round, node: h.node, reason: `${h.code}: ${h.message}` }]);
    }
  }

  private onHello(host: string): void {
    const outcome = this.membership.hello(host);
    if (outcome === 'rejoin') this.rejoin(host);
    else if (outcome === 'spare')
      void this.welcome(host); // welcomed with no nodes
    else if (outcome === 'waiting' || outcome === 'complete') {
      this.opts.log.info({ host, joined: this.membership.joined, expected: this.opts.hosts }, 'host joined');
      if (outcome === 'complete') this.start();
    }
  }

  private start(): void {
    const hosts = this.membership.start();
    for (const host of hosts) void this.welcome(host);
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

  private rejoin(host: string): void {
    void this.welcome(host);
    this.feed(this.membership.nodesOf(host).map((node) => ({ type: 'node-joined', node })));
  }

  /** Queues a batch of events; batches run one at a time, in order. */
  private feed(events: ServerEvent[]): void {
    this.queue = this.queue.then(async () => {
      for (const e of events) await this.execute(this.machine.handle(e));
    });
    this.queue.catch((e) => this.completion.fail(e));
  }

  private async execute(commands: ServerCommand[]): Promise<void> {
    // A closed round's report (evaluation, metrics) is awaited after the next round's dispatch, so hosts
    // train while it runs; its traffic is taken when the round closes, before the dispatch's bytes.
    let reported: Promise<void> = Promise.resolve();
    for (const cmd of commands) {
      switch (cmd.type) {
        case 'dispatch':
          this.io.dispatcher.dispatch(
            cmd,
            (node) => this.membership.ownerOf(node),
            (node) => this.feed([{ type: 'failure', round: cmd.round, node, reason: 'host not connected' }]),
          );
          break;
        case 'arm-deadline':
          this.deadlines.arm(cmd.round, cmd.ms, () => this.feed([{ type: 'deadline', round: cmd.round }]));
          break;
        case 'round-closed':
          this.deadlines.clear(cmd.summary.round);
          reported = this.io.reporter.report(cmd.summary);
          reported.catch(() => undefined); // awaited below; this only keeps a failure from going unhandled
          break;
        case 'rejected':
          this.intake.countRejected();
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
