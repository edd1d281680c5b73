import type { DecodedTensor, TensorInput } from './codec.js';
import type { NodeStateHeader, OutgoingHeader } from './messages.js';

/**
 * One worker node's persistent state as a `node-state` message carries it (docs/protocol.md): the
 * optimizer's step count and state vectors, and the uplink compressor's named vectors
 * (error-feedback memory `ef.memory`, PowerSGD warm starts).
 */
export interface NodeStatePayload {
  readonly node: number;
  readonly step: number;
  readonly slots: readonly Float32Array[];
  readonly up: Readonly<Record<string, Float32Array>>;
  /** SCAFFOLD's client control variate c_i (tensor `control`, last); absent for other algorithms. */
  readonly control?: Float32Array;
}

/** The `node-state` message (`op: node`) for `p` at `round`: tensors `slot/<i>`, then `up/<key>`. */
export function nodeStateMessage(
  round: number,
  p: NodeStatePayload,
): { header: OutgoingHeader; tensors: TensorInput[] } {
  const tensors: TensorInput[] = [
    ...p.slots.map((data, i) => ({ name: `slot/${i}`, data })),
    ...Object.entries(p.up).map(([key, data]) => ({ name: `up/${key}`, data })),
    ...(p.control ? [{ name: 'control', data: p.control }] : []),
  ];
  return {
    header: { type: 'node-state', round, node: p.node, op: 'node', step: p.step, slots: p.slots.length },
    tensors,
  };
}

/**
 * Reads an `op: node` message back into a payload (views of the decoded frames), or returns why it is
 * malformed (a missing step, a slot count beyond the tensors, a tensor that is not f32 or misnamed).
 */
export function readNodeState(h: NodeStateHeader, tensors: readonly DecodedTensor[]): NodeStatePayload | string {
  if (h.op !== 'node' || h.node < 0) return 'not a node-state message for a node';
  if (h.step === undefined || h.slots === undefined) return 'node-state of a node needs step and slots';
  if (h.slots > tensors.length) return `node-state names ${h.slots} slots but carries ${tensors.length} tensors`;
  const slots: Float32Array[] = [];
  const up: Record<string, Float32Array> = {};
  let control: Float32Array | undefined;
  for (const [i, t] of tensors.entries()) {
    if (!(t.data instanceof Float32Array)) return `node-state tensor ${t.name} must be f32`;
    if (i < h.slots) {
      if (t.name !== `slot/${i}`) return `node-state tensor ${i} must be slot/${i}, got ${t.name}`;
      slots.push(t.data);
    } else if (t.name === 'control' && i === tensors.length - 1) {
      control = t.data;
    } else {
      if (!t.name.startsWith('up/')) return `node-state tensor ${t.name} must be named up/<key>`;
      up[t.name.slice(3)] = t.data;
    }
  }
  return { node: h.node, step: h.step, slots, up, ...(control ? { control } : {}) };
}
