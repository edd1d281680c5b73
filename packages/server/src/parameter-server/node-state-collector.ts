import { errors } from '@starling/core';
import {
  type DecodedTensor,
  type NodeStateHeader,
  type NodeStatePayload,
  nodeStateMessage,
  type RouterEndpoint,
  readNodeState,
} from '@starling/transport';

interface Pending {
  readonly waiting: Set<string>;
  readonly counts: Map<string, number>;
  readonly got: Map<number, NodeStatePayload>;
  readonly resolve: (states: NodeStatePayload[]) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

const copy = (p: NodeStatePayload): NodeStatePayload => ({
  node: p.node,
  step: p.step,
  slots: p.slots.map((v) => v.slice()),
  up: Object.fromEntries(Object.entries(p.up).map(([k, v]) => [k, v.slice()])),
  ...(p.control ? { control: p.control.slice() } : {}),
});

/**
 * Collects the worker nodes' persistent state for a run checkpoint (docs/protocol.md, `node-state`):
 * sends `request` to each host carrying nodes and resolves, once every host has answered with its
 * `node` messages and an `end` whose count matches, with every node's state in node order. Fails with a
 * `runtime` error when a host does not answer within `timeoutMs`, is lost first, or its answer is malformed.
 */
export class NodeStateCollector {
  private pending: Pending | null = null;

  constructor(private readonly timeoutMs = 60_000) {}

  /** Asks `hosts` for their nodes' state after `round`. One collection at a time. */
  collect(router: RouterEndpoint, hosts: readonly string[], round: number): Promise<NodeStatePayload[]> {
    if (this.pending) return Promise.reject(errors.runtime('node state is already being collected'));
    if (hosts.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const late = [...(this.pending?.waiting ?? [])].join(', ');
        this.finish(errors.runtime(`hosts ${late} did not report their nodes' state within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending = { waiting: new Set(hosts), counts: new Map(), got: new Map(), resolve, reject, timer };
      for (const host of hosts) void router.send(host, { type: 'node-state', round, node: -1, op: 'request' });
    });
  }

  /** Feeds a `node-state` message from `peer` (ignored unless a collection waits for that peer). */
  accept(peer: string, h: NodeStateHeader, tensors: readonly DecodedTensor[]): void {
    const p = this.pending;
    if (!p?.waiting.has(peer)) return;
    if (h.op === 'node') {
      const state = readNodeState(h, tensors);
      if (typeof state === 'string') {
        this.finish(errors.runtime(`host ${peer}: ${state}`));
        return;
      }
      p.got.set(state.node, copy(state));
      p.counts.set(peer, (p.counts.get(peer) ?? 0) + 1);
    } else if (h.op === 'end') {
      const n = p.counts.get(peer) ?? 0;
      if (h.count !== n) {
        this.finish(errors.runtime(`host ${peer} reported ${h.count} node states, sent ${n}`));
        return;
      }
      p.waiting.delete(peer);
      if (p.waiting.size === 0) this.finish(null);
    }
  }

  /** `host` was lost: a collection still waiting for it fails at once (its nodes' state left with it). */
  hostLost(host: string): void {
    if (this.pending?.waiting.has(host)) {
      this.finish(errors.runtime(`host ${host} was lost before it reported its nodes' state`));
    }
  }

  private finish(err: Error | null): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    clearTimeout(p.timer);
    if (err) p.reject(err);
    else p.resolve([...p.got.values()].sort((a, b) => a.node - b.node));
  }
}

/**
 * A resumed run: sends `host` one `node-state` `node` message per node in `nodes` with its checkpointed
 * state (step 0 and no tensors for a node without one, which had not trained: the host forgets what it
 * holds for it, since a host that outlived the old server may hold newer state).
 */
export function sendNodeStates(
  router: RouterEndpoint,
  host: string,
  nodes: readonly number[],
  restore: ReadonlyMap<number, NodeStatePayload>,
  round: number,
): void {
  for (const node of nodes) {
    const state = restore.get(node) ?? { node, step: 0, slots: [], up: {} };
    const { header, tensors } = nodeStateMessage(round, state);
    void router.send(host, header, tensors);
  }
}
