import type { RuntimeConfig } from '../config/schema-algorithm.js';
import { localHosts } from '../preflight/hosts.js';
import type { PlacementPlan } from './explanation.js';

/** The host ids the runtime starts (`host-0`…), or `host-1`… placeholders for a cluster's joiners. */
function hostIds(rt: RuntimeConfig): string[] {
  if (rt.kind === 'inline') return ['main thread'];
  const n = rt.kind === 'threads' ? 1 : rt.kind === 'cluster' ? rt.hosts : rt.workers;
  // Server and coordinator sort the joined host ids as strings (host-10 before host-2).
  return Array.from({ length: n }, (_, i) => `host-${i}`).sort();
}

/** `0-49`, `7`, or `none`. */
function range(nodes: readonly number[]): string {
  if (nodes.length === 0) return 'none';
  const first = nodes[0];
  const last = nodes[nodes.length - 1];
  return first === last ? String(first) : `${first}-${last}`;
}

/**
 * Which node ids each host carries, by the rule the parameter server (`Membership.start`) and the gossip
 * coordinator apply: hosts sorted by id, host i of H gets the nodes k of K with ⌊k·H/K⌋ = i (contiguous
 * blocks). `owner(node)` is the index of that host in `hosts`.
 */
export function placeNodes(rt: RuntimeConfig, nodes: number): PlacementPlan & { owner(node: number): number } {
  const ids = hostIds(rt);
  const H = ids.length;
  const owner = (k: number) => Math.floor((k * H) / nodes);
  const hosts = ids.map((host, i) => {
    const mine = Array.from({ length: nodes }, (_, k) => k).filter((k) => owner(k) === i);
    return { host: rt.kind === 'cluster' ? `joined host #${i + 1}` : host, nodes: range(mine), count: mine.length };
  });
  const local = localHosts(rt);
  return { runtime: rt.kind, hosts, threads_per_host: local.threadsPerProcess, owner };
}
