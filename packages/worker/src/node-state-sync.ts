import type { OptimizerState } from '@starling/core';
import {
  type DealerEndpoint,
  type DecodedTensor,
  type NodeStateHeader,
  nodeStateMessage,
  type OutgoingHeader,
  readNodeState,
  type SharedLane,
  type TensorInput,
} from '@starling/transport';
import type { NodeStates } from './node-states.js';

/**
 * Answers a `node-state` `request` (a run checkpoint): one `node-state` `node` message per node the host
 * holds state for, in node order, then `end` with their count (docs/protocol.md). With `post` (a server in
 * this process, `SharedLane.post`), the messages are handed over directly instead of sent, all or none.
 */
export async function replyNodeStates(
  endpoint: DealerEndpoint,
  round: number,
  held: NodeStates,
  post?: (header: OutgoingHeader, tensors: TensorInput[]) => boolean,
): Promise<void> {
  const direct = post !== undefined;
  const ids = held.nodes();
  const sent = ids.map((node) => {
    const { state: s, upState, control } = held.stateAfter(node, round);
    const slots = (s?.slots ?? []).map((v) => (v instanceof Float32Array ? v : Float32Array.from(v)));
    const { header, tensors } = nodeStateMessage(round, {
      node,
      step: s?.step ?? 0,
      slots,
      up: upState ?? {},
      ...(control ? { control } : {}),
    });
    return direct && post ? post(header, tensors) : endpoint.send(header, tensors);
  });
  await Promise.all(sent);
  const end = { type: 'node-state' as const, round, node: -1, op: 'end' as const, count: ids.length };
  if (!(direct && post?.(end, []))) await endpoint.send(end);
}

/**
 * Restores one node's state from a `node-state` `node` message (a resumed run; sent after `welcome`,
 * before the first task); step 0 with no tensors resets the node (it had not trained). Returns an error
 * sentence when the message is malformed.
 */
export function applyNodeState(
  h: NodeStateHeader,
  tensors: readonly DecodedTensor[],
  kind: OptimizerState['kind'],
  held: NodeStates,
): string | null {
  const p = readNodeState(h, tensors);
  if (typeof p === 'string') return p;
  if (p.step === 0 && p.slots.length === 0 && Object.keys(p.up).length === 0 && !p.control) {
    // A node that had not trained by the checkpoint: whatever this host kept for it is forgotten.
    held.restore(p.node, null);
    return null;
  }
  const up = Object.entries(p.up);
  held.restore(p.node, {
    state: { kind, step: p.step, slots: p.slots.map((v) => v.slice()) },
    upState: up.length > 0 ? Object.fromEntries(up.map(([k, v]) => [k, v.slice()])) : null,
    ...(p.control ? { control: p.control.slice() } : {}),
  });
  return null;
}

/**
 * A worker host's `node-state` message (run checkpoints): on `request` reports every held node's state
 * (through the in-process server's lane when it listens, else the socket); on `node` restores that node's
 * state for optimizer `kind` (a refused state is logged, not fatal). No `kind` (no setup yet): ignored.
 */
export function onNodeState(
  h: NodeStateHeader,
  tensors: readonly DecodedTensor[],
  host: {
    endpoint: DealerEndpoint;
    lane: SharedLane | undefined;
    hostId: string;
    runId: string;
    states: NodeStates;
    kind: OptimizerState['kind'] | undefined;
    log: { warn(obj: object, msg: string): void };
  },
): void {
  if (h.op === 'request') {
    const lane = host.lane;
    const post = lane?.listening
      ? (hd: OutgoingHeader, t: TensorInput[]) => lane.post(host.hostId, host.runId, hd, t)
      : undefined;
    void replyNodeStates(host.endpoint, h.round, host.states, post);
    return;
  }
  const problem = host.kind && h.op === 'node' ? applyNodeState(h, tensors, host.kind, host.states) : null;
  if (problem) host.log.warn({ problem, node: h.node }, 'node-state refused');
}
