import { DTYPES, itemSize } from './dtypes.js';
import { json } from './json-value.js';
import {
  CODE_PATTERN,
  ENDPOINT_PATTERN,
  ID_PATTERN,
  MAX_NODE_ID,
  MAX_NODES_PER_HOST,
  MAX_PAYLOAD_FRAMES,
  MAX_ROUND,
  MAX_SEQ,
  MAX_TENSORS,
  MAX_U32,
  METRIC_PATTERN,
  type MessageType,
  NO_NODE,
  PROTOCOL_VERSION,
  TENSOR_NAME_PATTERN,
} from './protocol.js';
import { arr, type Infer, int, num, obj, oneOf, opt, record, refine, type Schema, str } from './schema.js';

/**
 * Describes one tensor payload after the header; `bytes` must equal `length` times the dtype's size.
 * The payload is one frame, or `chunks` (2 or more) consecutive non-empty frames whose concatenation it is.
 */
export const tensorDescriptor = refine(
  obj({
    name: str(1, 128, TENSOR_NAME_PATTERN),
    dtype: oneOf(DTYPES),
    length: int(0, MAX_U32),
    bytes: int(0, MAX_U32),
    codec: opt(str(1, 64, CODE_PATTERN)),
    chunks: opt(int(2, MAX_PAYLOAD_FRAMES)),
  }),
  (d, p) =>
    d.bytes === d.length * itemSize(d.dtype)
      ? null
      : `${p}.bytes must be length x ${itemSize(d.dtype)} = ${d.length * itemSize(d.dtype)} for ${d.dtype}, got ${d.bytes}`,
);

/** A tensor descriptor as it appears in `header.tensors`. */
export type TensorDescriptor = Infer<typeof tensorDescriptor>;

const nodeId = int(0, MAX_NODE_ID);
const uniqueNodes = (max: number, min: number) =>
  refine(arr(nodeId, max, min), (ids, p) => (new Set(ids).size === ids.length ? null : `${p} must not repeat ids`));

function common<T extends MessageType>(type: T, maxTensors: number, node = int(NO_NODE, MAX_NODE_ID), minRun = 0) {
  return {
    type: oneOf([type] as const),
    v: oneOf([PROTOCOL_VERSION] as const),
    run: str(minRun, 64, minRun === 0 ? /^[A-Za-z0-9._:-]{0,64}$/ : ID_PATTERN),
    round: int(0, MAX_ROUND),
    node,
    seq: int(0, MAX_SEQ),
    tensors: arr(tensorDescriptor, maxTensors),
  };
}

const hello = obj({
  ...common('hello', 0),
  host: str(1, 64, ID_PATTERN),
  caps: obj({ kernels: str(1, 32), cores: int(1, 65_536), version: str(0, 64) }),
  nodes: refine(arr(obj({ id: nodeId, samples: int(0, MAX_U32) }), MAX_NODES_PER_HOST), (ns, p) =>
    new Set(ns.map((n) => n.id)).size === ns.length ? null : `${p} must not repeat ids`,
  ),
  /** A gossip host's bound ROUTER address, where its neighbours send `gossip` (absent for a worker host). */
  endpoint: opt(str(9, 256, ENDPOINT_PATTERN)),
});

const welcome = obj({
  ...common('welcome', 0, int(NO_NODE, MAX_NODE_ID), 1),
  host: str(1, 64, ID_PATTERN),
  nodes: uniqueNodes(MAX_NODES_PER_HOST, 0),
  config: json(),
  digest: str(0, 128, /^[0-9a-f]*$/),
  heartbeatMs: int(10, 60_000),
  timeoutMs: int(50, 600_000),
});

const task = obj({
  ...common('task', MAX_TENSORS, int(NO_NODE, MAX_NODE_ID), 1),
  nodes: uniqueNodes(MAX_NODES_PER_HOST, 1),
  model: oneOf(['full', 'delta'] as const),
  config: json(),
  deadlineMs: int(0, 2 ** 31 - 1),
});

const update = obj({
  ...common('update', MAX_TENSORS, nodeId, 1),
  weight: num(0, Number.MAX_SAFE_INTEGER),
  metrics: record(METRIC_PATTERN, num(-Number.MAX_VALUE, Number.MAX_VALUE), 64),
});

/** One node's entry of an `updates` batch: what an `update` header carries for it. */
const updateEntry = obj({
  node: nodeId,
  weight: num(0, Number.MAX_SAFE_INTEGER),
  metrics: record(METRIC_PATTERN, num(-Number.MAX_VALUE, Number.MAX_VALUE), 64),
});

const updates = obj({
  ...common('updates', MAX_TENSORS, int(NO_NODE, MAX_NODE_ID), 1),
  entries: refine(arr(updateEntry, MAX_NODES_PER_HOST, 1), (es, p) =>
    new Set(es.map((e) => e.node)).size === es.length ? null : `${p} must not repeat nodes`,
  ),
});

const heartbeat = obj(common('heartbeat', 0));

const bye = obj({ ...common('bye', 0), reason: str(0, 256) });

const error = obj({
  ...common('error', 0),
  code: str(1, 64, CODE_PATTERN),
  message: str(0, 1024),
  ref: int(-1, MAX_SEQ),
});

const gossip = obj({ ...common('gossip', MAX_TENSORS, nodeId, 1), to: nodeId });

const lost = obj({
  ...common('lost', 0, int(NO_NODE, MAX_NODE_ID), 1),
  host: str(1, 64, ID_PATTERN),
  nodes: uniqueNodes(MAX_NODES_PER_HOST, 0),
});

/** Most optimizer state vectors one node carries (Adam's m and v, AdaDelta's s and u). */
const MAX_SLOTS = 8;

const nodeState = obj({
  ...common('node-state', MAX_TENSORS),
  op: oneOf(['request', 'node', 'end'] as const),
  /** `node`: the node's optimizer step count. */
  step: opt(int(0, Number.MAX_SAFE_INTEGER)),
  /** `node`: how many leading tensors are optimizer state vectors (`slot/<i>`). */
  slots: opt(int(0, MAX_SLOTS)),
  /** `end`: how many `node` messages came before it. */
  count: opt(int(0, MAX_NODES_PER_HOST)),
});

const proceed = obj(common('proceed', 0, int(NO_NODE, MAX_NODE_ID), 1));

const snapshot = obj(common('snapshot', 0, int(NO_NODE, MAX_NODE_ID), 1));

const peerState = obj({ ...common('peer-state', MAX_TENSORS, nodeId, 1), state: json() });

const hold = obj(common('hold', 0, int(NO_NODE, MAX_NODE_ID), 1));

const moved = obj({
  ...common('moved', 0, int(NO_NODE, MAX_NODE_ID), 1),
  host: str(1, 64, ID_PATTERN),
  nodes: uniqueNodes(MAX_NODES_PER_HOST, 1),
  endpoint: str(9, 256, ENDPOINT_PATTERN),
  /** The host's CURVE public key (z85) in a run with CURVE, else empty. */
  key: str(0, 40),
});

/** The strict schema of every message type's header. */
export const HEADER_SCHEMAS = {
  hello,
  welcome,
  task,
  update,
  updates,
  heartbeat,
  bye,
  error,
  gossip,
  lost,
  'node-state': nodeState,
  proceed,
  snapshot,
  'peer-state': peerState,
  hold,
  moved,
} satisfies Record<MessageType, Schema<unknown>>;

/**
 * Registration of a worker host or gossip host: who it is, what it runs on, which virtual nodes it
 * carries and, for a gossip host, the `endpoint` its neighbours connect to.
 */
export type HelloHeader = Infer<typeof hello>;
/** The server's answer to `hello`: run id (in `run`), the nodes assigned to the host, the config. */
export type WelcomeHeader = Infer<typeof welcome>;
/** Work for one round: the nodes selected on this host, their local config, the model as frames. */
export type TaskHeader = Infer<typeof task>;
/** One node's result for a round: `weight` (its sample count), metrics, the update as frames. */
export type UpdateHeader = Infer<typeof update>;
/**
 * Several nodes' results of one round whose Δs lie in the round's shared-memory slot (`processes`, only
 * when the task's `config.shm.batch` says the server takes it): entry k is what node `entries[k].node`'s
 * `update` header would carry, and its Δ is the k-th 12-byte `shm` reference of the one `delta` tensor.
 */
export type UpdatesHeader = Infer<typeof updates>;
/** A liveness message; either side sends one every heartbeat interval. */
export type HeartbeatHeader = Infer<typeof heartbeat>;
/** A polite goodbye; the peer is forgotten at once instead of at its timeout. */
export type ByeHeader = Infer<typeof bye>;
/** Why a message was refused (`ref` is the refused message's `seq`, or -1 when unknown). */
export type ErrorHeader = Infer<typeof error>;
/** A gossip payload from node `node` to node `to` for round `round` (issue #5). */
export type GossipHeader = Infer<typeof gossip>;
/**
 * From a gossip coordinator to its hosts: host `host` is gone and its `nodes` with it, so their
 * neighbours stop waiting for them (sent even when the host died before any gossip link to it was up).
 */
export type LostHeader = Infer<typeof lost>;

/**
 * A worker node's persistent state for run checkpoints (docs/protocol.md): `request` (server → host:
 * send your nodes' state), `node` (host → server in reply, server → host to restore after `welcome`:
 * one node's optimizer step, `slots` optimizer vectors `slot/<i>` then its uplink compressor state
 * `up/<key>`, all f32) and `end` (host → server: `count` nodes sent).
 */
export type NodeStateHeader = Infer<typeof nodeState>;

/** Coordinator to gossip host: its peers may begin every round up to `round` (checkpointed runs hold them between rounds). */
export type ProceedHeader = Infer<typeof proceed>;
/** Coordinator to gossip host: send the state of every peer it carries, held after round `round`. */
export type SnapshotHeader = Infer<typeof snapshot>;
/** One gossip peer's state after round `round`, both ways: a host's reply to `snapshot`, or a restore after `welcome`. */
export type PeerStateHeader = Infer<typeof peerState>;

/**
 * A gossip run's round alignment, both ways. Coordinator to host: hold every peer after the round it is
 * in (until a `proceed`). Host to coordinator, in reply: `round` is the last round any of its peers
 * finishes before it holds (docs/protocol.md, "Holding the peers").
 */
export type HoldHeader = Infer<typeof hold>;
/**
 * Coordinator to gossip host: `nodes` now live on host `host` (gossip `endpoint`, CURVE `key`), a
 * replacement of their lost host, and gossip again from round `round` on.
 */
export type MovedHeader = Infer<typeof moved>;

/** Any valid header, discriminated by `type`. */
export type Header =
  | NodeStateHeader
  | HelloHeader
  | WelcomeHeader
  | TaskHeader
  | UpdateHeader
  | UpdatesHeader
  | HeartbeatHeader
  | ByeHeader
  | ErrorHeader
  | GossipHeader
  | LostHeader
  | ProceedHeader
  | SnapshotHeader
  | PeerStateHeader
  | HoldHeader
  | MovedHeader;

/** The header of one message type. */
export type HeaderOf<T extends MessageType> = Extract<Header, { type: T }>;

type Distribute<H> = H extends Header ? Omit<H, 'v' | 'seq' | 'tensors' | 'run'> & { run?: string } : never;

/**
 * A header as an application writes it: the endpoint fills in `v`, `seq` and `tensors` (from the
 * frames) and, when `run` is omitted, the endpoint's run id.
 */
export type OutgoingHeader = Distribute<Header>;
