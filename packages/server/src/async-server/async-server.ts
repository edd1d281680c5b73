import { errors } from '@starling/core';
import { HostWatch, RouterEndpoint } from '@starling/transport';
import { HelloDesk } from '../parameter-server/hello-desk.js';
import { HostEvents } from '../parameter-server/host-events.js';
import { sendRefusal, sendWelcome } from '../parameter-server/host-greetings.js';
import { HostRecovery } from '../parameter-server/host-recovery.js';
import { armJoinTimeout } from '../parameter-server/join-timeout.js';
import { Membership } from '../parameter-server/membership.js';
import { RefusedTraffic } from '../parameter-server/refused-traffic.js';
import { RunCompletion } from '../parameter-server/run-completion.js';
import { runLinks } from '../parameter-server/run-links.js';
import { UpdateIntake } from '../parameter-server/update-intake.js';
import type { ServerEvent } from '../round-types.js';
import { TrafficMeter } from '../traffic.js';
import type { AsyncLoop } from './async-loop.js';
import type { AsyncRunReport, AsyncServerOptions, AsyncUpdateCallback } from './async-server-options.js';
import { AsyncTraffic } from './async-traffic.js';
import { ClientDispatch } from './client-dispatch.js';
import { BYE_WAIT_MS, hostsLeft } from './hosts-left.js';

/**
 * FedAsync and FedBuff over a ZeroMQ ROUTER (docs/async.md, "Over sockets"): the parameter server's
 * parts without its rounds. Hosts register as for a synchronous run (`HelloDesk`, `Membership`: the
 * clients split over them in contiguous blocks); then the server keeps `concurrency` clients training,
 * one `task` per dispatched client (its `round` is the dispatch's ticket, docs/protocol.md), and hands
 * each arriving `update` (`UpdateIntake`: owner checked, decoded, metered) to the `AsyncLoop`, which
 * applies the rule and frees the slot; the freed slot is filled at once with the current model, and
 * each server model update is reported (`onUpdate`, awaited: nothing else is handled meanwhile, so the
 * model does not move while it is evaluated). A lost host's clients in flight are given up (`dropped`)
 * and its clients are passed over until a host carries them again (`HostRecovery`: a spare takes over,
 * or the run waits up to `hostWaitMs` once every host is gone). Answers to tickets no longer in flight
 * are counted and dropped. Ends with `bye` to every host.
 */
export class AsyncServer {
  private readonly membership: Membership;
  private readonly completion = new RunCompletion();
  private readonly intake: UpdateIntake;
  private readonly meter = new TrafficMeter();
  private readonly refusedTraffic = new RefusedTraffic();
  private readonly hellos: HelloDesk;
  private readonly recovery: HostRecovery;
  private readonly watch: HostWatch;
  private readonly dispatch: ClientDispatch;
  private readonly events: HostEvents;
  private queue: Promise<void> = Promise.resolve();
  private router: RouterEndpoint | null = null;
  private traffic: AsyncTraffic | null = null;
  private stopping = false;

  constructor(
    private readonly loop: AsyncLoop,
    clients: number,
    private readonly opts: AsyncServerOptions,
    private readonly onUpdate: AsyncUpdateCallback,
  ) {
    this.membership = new Membership(
      opts.hosts,
      Array.from({ length: clients }, (_, i) => i),
    );
    this.watch = new HostWatch(opts.onHost);
    this.dispatch = new ClientDispatch(loop, this.membership, () => this.io, opts.log);
    this.intake = new UpdateIntake(opts.updates, this.meter, opts.log, undefined, (peer, bytes) =>
      this.refusedTraffic.refuse(peer, bytes),
    );
    const rule = { kind: 'worker', ...(opts.admit ? { ids: opts.admit } : {}) } as const;
    this.hellos = new HelloDesk(rule, this.membership, opts.hosts, opts.log, {
      bye: (host, reason) => void sendRefusal(this.io, host, reason),
      refused: (host, bytes) => this.refusedTraffic.refuse(host, bytes),
      welcome: (host) => void this.welcome(host),
      arrived: (host) => this.recovery.arrived(host),
      start: () => this.start(),
      round: () => this.loop.version,
    });
    this.recovery = new HostRecovery(this.membership, opts.hostWaitMs ?? 60_000, opts.log, {
      welcome: (host) => void this.welcome(host),
      feed: (events) => this.enqueue(() => this.dispatch.nodeEvents(events)),
      redispatch: (host) => this.enqueue(() => this.dispatch.restart(host)),
      fail: (err) => this.completion.fail(err),
      pauseDeadlines: () => {},
      resumeDeadlines: () => {},
      round: () => this.loop.version,
    });
    const { membership, hellos, watch, recovery, intake } = this;
    this.events = new HostEvents(
      { membership, hellos, watch, recovery, intake, position: () => this.loop.version },
      {
        update: (event, m) => {
          this.meter.take(m.header.round); // payload bytes are the loop's to count
          if (event?.type === 'update') this.enqueue(() => this.arrive(event, m.peer, m.bytes));
          else if (event?.type === 'failure') this.enqueue(() => this.failed(event.round, event.node, event.reason));
        },
        failed: (_peer, h, reason) => this.enqueue(() => this.failed(h.round, h.node, reason)),
      },
    );
  }

  /** Binds, runs until `rounds` server updates were applied, says `bye`; resolves with the report. */
  async run(): Promise<AsyncRunReport> {
    const o = this.opts;
    const router = await RouterEndpoint.listen(o.bind, {
      run: o.run,
      log: o.log,
      heartbeatMs: o.heartbeatMs ?? 250,
      peerTimeoutMs: o.peerTimeoutMs ?? 2000,
      nonFiniteScan: o.nonFiniteScan,
      ...(o.security ? { security: o.security } : {}),
      onMessage: (m) => this.events.onMessage(m),
      onPeer: (e) => this.events.onPeer(e),
    });
    router.expectPayload(4 * this.loop.modelSize);
    this.router = router;
    this.traffic = new AsyncTraffic(router, this.refusedTraffic, (peer) => this.membership.registered(peer));
    o.onListening?.(router.address);
    const joinTimer = armJoinTimeout(this.membership, o.hosts, o.joinTimeoutMs, (e) => this.completion.fail(e));
    const onAbort = () => this.stop();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    if (o.signal?.aborted) this.stop();
    let bye = 'run failed';
    try {
      const rounds = await this.completion.done;
      bye = 'run finished';
      const stats = router.stats();
      return { rounds, links: runLinks(stats), stats, rejectedUpdates: this.intake.rejected };
    } catch (err) {
      bye = this.stopping ? 'server interrupted' : `run failed: ${err instanceof Error ? err.message : String(err)}`;
      throw err;
    } finally {
      this.stopping = true;
      o.signal?.removeEventListener('abort', onAbort);
      clearTimeout(joinTimer);
      this.watch.close();
      this.recovery.close();
      await router.sayBye(router.peers(), bye);
      await hostsLeft(router, BYE_WAIT_MS);
      await router.close({ lingerMs: 200 });
    }
  }

  private get io(): RouterEndpoint {
    if (!this.router) throw errors.runtime('async server: socket used before it was bound');
    return this.router;
  }

  /** `opts.signal` aborted: stops after the step in progress (nothing is reported after it). */
  private stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    const version = this.loop.version;
    const fail = () => this.completion.fail(errors.interrupted(`after server update ${version - 1}`));
    this.queue = this.queue.then(fail, fail);
  }

  private start(): void {
    for (const host of this.membership.start()) void this.welcome(host);
    this.enqueue(() => this.dispatch.fill());
  }

  private welcome(host: string): Promise<unknown> {
    return sendWelcome(this.io, host, this.membership.nodesOf(host), this.loop.version, this.opts);
  }

  /** Queues a step after every step queued before it; none runs once the run stopped. */
  private enqueue(step: () => void | Promise<void>): void {
    this.queue = this.queue.then(() => (this.stopping ? undefined : step()));
    this.queue.catch((e) => this.completion.fail(e));
  }

  private async arrive(event: Extract<ServerEvent, { type: 'update' }>, peer: string, bytes: number): Promise<void> {
    const outcome = this.loop.arrive({
      ticket: event.round,
      client: event.node,
      samples: event.samples,
      trainLoss: event.trainLoss,
      delta: event.delta,
      bytes: event.bytes ?? event.delta.byteLength,
    });
    if (outcome.kind === 'late' || outcome.kind === 'refused') {
      this.intake.countRejected(event.node);
      this.refusedTraffic.refuse(peer, bytes);
      if (outcome.kind === 'refused')
        this.opts.log.warn({ node: event.node, reason: outcome.reason }, 'update refused');
      if (outcome.kind === 'refused' && this.stuck(outcome.reason)) return;
    }
    if (this.loop.finished) {
      if (outcome.kind === 'applied') await this.report(outcome.record);
      this.completion.finish(this.loop.version);
      this.stopping = true;
      return;
    }
    this.dispatch.fill();
    if (outcome.kind === 'applied') await this.report(outcome.record);
  }

  private async report(record: Parameters<AsyncUpdateCallback>[0]): Promise<void> {
    const traffic = this.traffic?.take() ?? { bytesUp: 0, bytesDown: 0, refusedBytes: 0 };
    await this.onUpdate(record, traffic, this.loop.model);
  }

  private failed(ticket: number, client: number, reason: string): void {
    if (this.loop.fail(ticket, client, reason)) this.opts.log.warn({ node: client, ticket, reason }, 'client failed');
    if (!this.stuck(reason)) this.dispatch.fill();
  }

  /** Ends the run when dispatches only fail (`AsyncLoop.stuck`); true then. */
  private stuck(reason: string): boolean {
    if (!this.loop.stuck) return false;
    const v = this.loop.version;
    this.completion.fail(
      errors.runtime(
        `async run stopped: every dispatch failed or was refused since server update ${v - 1} (last: ${reason}); the model may have diverged`,
      ),
    );
    return true;
  }
}
