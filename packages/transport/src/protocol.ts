/** The wire protocol version every header carries in `v`. */
export const PROTOCOL_VERSION = 1;

/** Largest node id (virtual client or gossip peer); node ids are integers in [0, MAX_NODE_ID]. */
export const MAX_NODE_ID = 2 ** 31 - 1;

/** The `node` value of a message that speaks for no training node (the server, or a host as a whole). */
export const NO_NODE = -1;

/** Largest round number. */
export const MAX_ROUND = 2 ** 31 - 1;

/** Sequence numbers run per link in [0, MAX_SEQ] and wrap to 0 (they always fit a msgpack uint32). */
export const MAX_SEQ = 2 ** 32 - 1;

/** Largest count that fits a msgpack uint32 (byte sizes, element counts). */
export const MAX_U32 = 2 ** 32 - 1;

/** Most virtual nodes one host may carry or be given in one message. */
export const MAX_NODES_PER_HOST = 100_000;

/** Most tensors one message may carry. */
export const MAX_TENSORS = 256;

/**
 * Most payload frames one message may carry (all tensors' chunks together): 4096 chunks of the
 * smallest allowed chunk size (1 MiB) cover the largest message an endpoint can be configured for.
 */
export const MAX_PAYLOAD_FRAMES = 4096;

/**
 * The reference sender's chunk size: a tensor payload larger than this travels as consecutive frames of
 * this size (the last one shorter), so that no single ZeroMQ frame takes long enough on the wire to
 * starve ZMTP heartbeats (docs/protocol.md, section 2).
 */
export const DEFAULT_CHUNK_BYTES = 8 * 2 ** 20;

/** The default limit on a message's tensor payloads (all frames after the header), 256 MiB. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 256 * 2 ** 20;

/** Host ids, run ids and ZeroMQ routing ids: 1 to 64 characters of letters, digits and `._:-`. */
export const ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

/** A ZeroMQ endpoint another machine can connect to: `tcp://` or `ipc://`, then 1 to 250 printable non-space ASCII characters. */
export const ENDPOINT_PATTERN = /^(tcp|ipc):\/\/[!-~]{1,250}$/;

/** Tensor names: 1 to 128 characters of letters, digits and `._:/-`. */
export const TENSOR_NAME_PATTERN = /^[A-Za-z0-9._:/-]{1,128}$/;

/** Metric names and error codes: lower-case identifiers such as `train_loss` or `bad-message`. */
export const CODE_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;

/** Metric names in `update.metrics`: a letter, then letters, digits and `_.-` (at most 64). */
export const METRIC_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** Every message type, in the order docs/protocol.md describes them. */
export const MESSAGE_TYPES = [
  'hello',
  'welcome',
  'task',
  'update',
  'updates',
  'heartbeat',
  'bye',
  'error',
  'gossip',
  'lost',
  'node-state',
  'proceed',
  'snapshot',
  'peer-state',
  'hold',
  'moved',
] as const;

/** One of {@link MESSAGE_TYPES}. */
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** Types a worker host or gossip peer may send to a ROUTER (server or gossip peer). */
export const TO_ROUTER: readonly MessageType[] = [
  'hello',
  'update',
  'updates',
  'heartbeat',
  'bye',
  'error',
  'gossip',
  'node-state',
  'peer-state',
  'hold',
];

/** Types a ROUTER (server, gossip coordinator) may send to a DEALER (worker host, gossip host). */
export const TO_DEALER: readonly MessageType[] = [
  'welcome',
  'task',
  'heartbeat',
  'bye',
  'error',
  'lost',
  'node-state',
  'proceed',
  'snapshot',
  'peer-state',
  'hold',
  'moved',
];
