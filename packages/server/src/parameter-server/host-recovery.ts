import { errors, type StarlingError } from '@starling/core';
import type { ServerEvent } from '../round-types.js';
import { HostOutage } from './host-outage.js';
import type { Membership } from './membership.js';
import type { ServerLog } from './server-log.js';

/** What {@link HostRecovery} asks of the parameter server. */
export interface RecoveryActions {
  /** Sends `welcome` to `host` with the nodes it carries now. */
  welcome(host: string): void;
  /** Queues events for the round logic. */
  feed(events: ServerEvent[]): void;
  /** Queues sending the open round's awaited nodes that `host` carries to it. */
  redispatch(host: string): void;
  /** Ends the run with an error. */
  fail(err: StarlingError): void;
  /** Stops and restarts the round deadlines (see `Deadlines`). */
  pauseDeadlines(): void;
  resumeDeadlines(): void;
  /** The open round (for log lines and messages). */
  round(): number;
  /** True when lost `host` will come back (its process is being relaunched): hold its nodes for it. Absent: never. */
  expectsReturn?(host: string): boolean;
}

/**
 * What happens when worker hosts disappear after the start and come back (docs/runtimes.md, "Losing
 * hosts"):
 * - a lost host's nodes move whole to a connected spare (a host that carries none), if there is one,
 *   and the open round's awaited nodes are sent to it: nothing fails;
 * - a lost (not departed) host that is expected back (`expectsReturn`: its process is being relaunched)
 *   is held like the last host below, even while others carry on; if it is not back within `waitMs`,
 *   its nodes fail then (or the run fails, when no host that carries nodes is connected);
 * - otherwise, while another host that carries nodes is connected, the lost nodes fail at once (the
 *   round closes with the survivors, as before);
 * - when the last host that carries nodes is gone, its nodes are held instead (see `HostOutage`): the
 *   open round stays open, its deadline paused, for up to `waitMs`, then the run fails.
 * A host that says `hello` again (or reconnects) gets its nodes back; a new host takes over the block of
 * a lost host (held ones first, then by id). Either way the open round's awaited nodes are sent to it,
 * so a run that lost every host for a while computes the same model as one that never did (for nodes
 * without persistent state: a replacement process starts its nodes' optimizer and compressor state
 * afresh). Nodes that had failed rejoin with `node-joined` and take part from the next round.
 */
export class HostRecovery {
  private readonly outage: HostOutage;
  /** Nodes reported lost to the round logic and not available again yet. */
  private readonly down = new Set<number>();
  /** Held hosts whose process is being relaunched: they stay held when another host comes back. */
  private readonly relaunching = new Set<string>();
  private closed = false;

  /**
   * @param waitMs how long the run waits once every host is gone (`runtime.hostWaitS` × 1000)
   */
  constructor(
    private readonly membership: Membership,
    waitMs: number,
    private readonly log: ServerLog,
    private readonly act: RecoveryActions,
  ) {
    this.outage = new HostOutage(waitMs, () => this.expired());
  }

  /** True when `node`'s host is held: a send to it that finds no route must not fail the node. */
  holds(node: number): boolean {
    const owner = this.membership.ownerOf(node);
    return owner !== undefined && this.outage.isHeld(owner);
  }

  /**
   * `host` was lost or left (`why`), before or after the start; `lost` is false for a `bye`
   * (a host that left is never expected back).
   */
  lost(host: string, why: string, lost = true): void {
    if (this.closed) return;
    const nodes = this.membership.markLost(host);
    this.log.warn({ host, reason: why, nodes: nodes.length }, 'host gone');
    if (!this.membership.started || nodes.length === 0) return;
    const spare = this.membership.connectedSpare();
    if (spare !== undefined) this.takeOver(host, spare);
    else if (lost && this.act.expectsReturn?.(host) === true) this.holdForReturn(host, 'relaunch');
    else if (this.membership.carriersConnected()) this.reportLost(nodes, `host ${host} ${why}`);
    else this.holdForReturn(host, 'every host');
  }

  /** Holds `host`'s nodes and waits (see `HostOutage`): it is being relaunched, or every host is gone. */
  private holdForReturn(host: string, why: 'relaunch' | 'every host'): void {
    const waitS = this.outage.waitMs / 1000;
    if (why === 'relaunch') {
      this.relaunching.add(host);
      this.log.warn(
        { host, round: this.act.round(), waitS },
        `worker host ${host} lost; its process is relaunched if it died (runtime.restarts), and its nodes wait for it (up to ${waitS} s, runtime.hostWaitS)`,
      );
    } else {
      this.log.warn(
        { host, round: this.act.round(), waitS },
        `every worker host is gone; waiting up to ${waitS} s (runtime.hostWaitS, starling server --host-wait-s) for one to come back or for a replacement starling worker`,
      );
    }
    if (!this.outage.active) this.act.pauseDeadlines();
    this.outage.hold(host);
  }

  /** `host` said `hello` again or reconnected after the start. */
  arrived(host: string): void {
    if (this.closed) return;
    const nodes = this.membership.nodesOf(host);
    if (nodes.length > 0) {
      this.act.welcome(host);
      this.log.info({ host, nodes: nodes.length, round: this.act.round() }, 'host back');
      this.back(host, nodes, host);
      return;
    }
    const orphans = this.membership.lostCarriers();
    const from = orphans.find((h) => this.outage.isHeld(h)) ?? orphans[0];
    if (from === undefined)
      this.act.welcome(host); // a spare, welcomed with no nodes
    else this.takeOver(from, host);
  }

  /** The run ended: stops the wait and ignores hosts from now on. */
  close(): void {
    this.closed = true;
    this.outage.end();
  }

  private takeOver(from: string, to: string): void {
    const nodes = this.membership.transfer(from, to);
    this.log.warn(
      { from, to, nodes: nodes.length, round: this.act.round() },
      'host takes over the nodes of a lost host (their optimizer and compressor state start afresh)',
    );
    this.act.welcome(to);
    this.back(to, nodes, from);
  }

  /** `host` is connected and carries `nodes` (until now `from`'s): available again, open round sent to it. */
  private back(host: string, nodes: readonly number[], from: string): void {
    this.outage.release(from);
    this.relaunching.delete(from);
    const rejoined = nodes.filter((n) => this.down.delete(n));
    if (rejoined.length > 0) this.act.feed(rejoined.map((node) => ({ type: 'node-joined', node })));
    if (this.outage.active) {
      // Hosts held because every host was gone fail now; hosts being relaunched stay held (a new wait).
      const still = this.outage.end();
      for (const h of still) {
        if (this.relaunching.has(h)) this.outage.hold(h);
        else this.reportLost(this.membership.nodesOf(h), `host ${h} lost`);
      }
      if (!this.outage.active) {
        this.act.resumeDeadlines();
        this.log.warn({ host, round: this.act.round() }, 'a worker host is back; the run goes on');
      }
    }
    this.act.redispatch(host);
  }

  private reportLost(nodes: readonly number[], reason: string): void {
    for (const n of nodes) this.down.add(n);
    this.act.feed(nodes.map((node) => ({ type: 'node-lost', node, reason })));
  }

  private expired(): void {
    const waitS = this.outage.waitMs / 1000;
    // Hosts held for a relaunch that never came back, while others still carry nodes: their nodes fail now.
    if (this.membership.carriersConnected()) {
      const held = this.outage.end();
      this.relaunching.clear();
      this.act.resumeDeadlines();
      this.log.warn({ hosts: held, waitS }, `held worker hosts did not come back within ${waitS} s; their nodes fail`);
      for (const h of held) this.reportLost(this.membership.nodesOf(h), `host ${h} lost`);
      return;
    }
    this.act.fail(
      errors.runtime(
        `every worker host was gone for ${waitS} s (runtime.hostWaitS, starling server --host-wait-s) and none came back or was replaced; the run stopped in round ${this.act.round()}`,
      ),
    );
  }
}
