import type { StarlingError } from '@starling/core';
import { describe, expect, it } from 'vitest';
import type { ServerEvent } from '../round-types.js';
import { HostRecovery, type RecoveryActions } from './host-recovery.js';
import { Membership } from './membership.js';

const quiet = { info() {}, warn() {}, error() {}, debug() {} };

/** A started run of `hosts` over nodes 0..n-1 and a recovery that records what it asks the server to do. */
function started(hosts: string[], n: number, waitMs = 60_000, relaunching: readonly string[] = []) {
  const membership = new Membership(
    hosts.length,
    Array.from({ length: n }, (_, i) => i),
  );
  for (const h of hosts) membership.hello(h);
  membership.start();
  const log: string[] = [];
  const events: ServerEvent[] = [];
  const failures: StarlingError[] = [];
  const act: RecoveryActions = {
    welcome: (h) => log.push(`welcome ${h} [${membership.nodesOf(h).join(',')}]`),
    feed: (e) => events.push(...e),
    redispatch: (h) => log.push(`redispatch ${h}`),
    fail: (e) => failures.push(e),
    pauseDeadlines: () => log.push('pause'),
    resumeDeadlines: () => log.push('resume'),
    round: () => 4,
    expectsReturn: (h) => relaunching.includes(h),
  };
  const recovery = new HostRecovery(membership, waitMs, quiet, act);
  return { membership, recovery, log, events, failures };
}

const types = (events: ServerEvent[]) => events.map((e) => ('node' in e ? `${e.type} ${e.node}` : e.type));

describe('HostRecovery', () => {
  it('holds the nodes of a host being relaunched while another carries on, and sends it the round when it is back', () => {
    const { recovery, log, events, failures } = started(['a', 'b', 'c'], 6, 60_000, ['b', 'c']);
    recovery.lost('b', 'lost: disconnected');
    recovery.lost('c', 'lost: disconnected');
    expect(events).toEqual([]); // nothing fails: the open round waits for them
    expect(recovery.holds(2)).toBe(true);
    expect(log).toEqual(['pause']);
    recovery.arrived('b');
    // c is still being relaunched: it stays held, the deadlines stay paused
    expect(events).toEqual([]);
    expect(recovery.holds(4)).toBe(true);
    expect(log).toEqual(['pause', 'welcome b [2,3]', 'redispatch b']);
    recovery.arrived('c');
    expect(log.slice(3)).toEqual(['welcome c [4,5]', 'resume', 'redispatch c']);
    expect(failures).toEqual([]);
  });

  it('a host that left with bye is not held even when it would be relaunched', () => {
    const { recovery, events } = started(['a', 'b'], 4, 60_000, ['b']);
    recovery.lost('b', 'left: bye', false);
    expect(types(events)).toEqual(['node-lost 2', 'node-lost 3']);
  });

  it('a relaunch that does not come back within the wait: its nodes fail, the survivors carry on', async () => {
    const { recovery, log, events, failures } = started(['a', 'b'], 4, 30, ['b']);
    recovery.lost('b', 'lost: disconnected');
    expect(events).toEqual([]);
    await new Promise((r) => setTimeout(r, 80));
    expect(types(events)).toEqual(['node-lost 2', 'node-lost 3']);
    expect(log).toEqual(['pause', 'resume']);
    expect(failures).toEqual([]);
  });

  it('fails a lost host’s nodes at once while another host carries on, and rejoins them when it returns', () => {
    const { recovery, log, events } = started(['a', 'b'], 4);
    recovery.lost('b', 'lost: timeout');
    expect(types(events)).toEqual(['node-lost 2', 'node-lost 3']);
    expect(recovery.holds(2)).toBe(false);
    recovery.arrived('b');
    expect(types(events).slice(2)).toEqual(['node-joined 2', 'node-joined 3']);
    expect(log).toEqual(['welcome b [2,3]', 'redispatch b']);
  });

  it('when the last host is gone: holds its nodes, pauses deadlines, and sends the round again when it returns', () => {
    const { recovery, log, events, failures } = started(['a'], 3);
    recovery.lost('a', 'lost: disconnected');
    expect(events).toEqual([]); // nothing reported: the round stays open
    expect(recovery.holds(0)).toBe(true);
    expect(log).toEqual(['pause']);
    recovery.arrived('a');
    expect(events).toEqual([]); // the nodes never left the round logic
    expect(recovery.holds(0)).toBe(false);
    expect(log).toEqual(['pause', 'welcome a [0,1,2]', 'resume', 'redispatch a']);
    expect(failures).toEqual([]);
  });

  it('a new host takes over the held block of the lost host (replacement after SIGKILL)', () => {
    const { recovery, membership, log, events } = started(['a'], 2);
    recovery.lost('a', 'lost: disconnected');
    recovery.arrived('a2');
    expect(membership.nodesOf('a2')).toEqual([0, 1]);
    expect(events).toEqual([]);
    expect(log).toEqual(['pause', 'welcome a2 [0,1]', 'resume', 'redispatch a2']);
    // the old host comes back later: a spare with nothing to take over
    recovery.arrived('a');
    expect(log.at(-1)).toBe('welcome a []');
  });

  it('a lost host’s nodes move to a connected spare instead of failing', () => {
    const { recovery, membership, log, events } = started(['a', 'b'], 4);
    membership.hello('s');
    recovery.lost('b', 'left: signal');
    expect(events).toEqual([]);
    expect(membership.nodesOf('s')).toEqual([2, 3]);
    expect(log).toEqual(['welcome s [2,3]', 'redispatch s']);
  });

  it('nodes that failed earlier rejoin when a replacement takes them over', () => {
    const { recovery, membership, events } = started(['a', 'b'], 4);
    recovery.lost('b', 'lost: timeout');
    recovery.arrived('c');
    expect(membership.nodesOf('c')).toEqual([2, 3]);
    expect(types(events)).toEqual(['node-lost 2', 'node-lost 3', 'node-joined 2', 'node-joined 3']);
  });

  it('when one of two lost hosts returns, the other’s held nodes are reported lost', () => {
    const { recovery, events } = started(['a', 'b'], 4);
    recovery.lost('b', 'lost: timeout'); // a still carries: b's nodes fail
    recovery.lost('a', 'lost: timeout'); // the last one: held
    expect(types(events)).toEqual(['node-lost 2', 'node-lost 3']);
    recovery.arrived('b');
    expect(types(events).slice(2)).toEqual(['node-joined 2', 'node-joined 3', 'node-lost 0', 'node-lost 1']);
    expect(recovery.holds(0)).toBe(false);
  });

  it('fails the run with an error naming runtime.hostWaitS when no host comes back in time', async () => {
    const { recovery, failures } = started(['a'], 2, 30);
    recovery.lost('a', 'lost: disconnected');
    await new Promise((r) => setTimeout(r, 80));
    expect(failures).toHaveLength(1);
    expect(failures[0].message).toMatch(/every worker host was gone for 0\.03 s \(runtime\.hostWaitS/);
    expect(failures[0].message).toMatch(/stopped in round 4/);
  });

  it('a host that returns in time cancels the failure; after close, hosts are ignored', async () => {
    const { recovery, failures, log } = started(['a'], 2, 40);
    recovery.lost('a', 'lost: disconnected');
    recovery.arrived('a');
    await new Promise((r) => setTimeout(r, 80));
    expect(failures).toEqual([]);
    recovery.close();
    const before = log.length;
    recovery.lost('a', 'left: run finished');
    expect(log.length).toBe(before);
  });
});
