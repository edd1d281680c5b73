import { errors } from '@starling/core';
import { MAX_CHUNK_BYTES, MIN_CHUNK_BYTES } from './chunks.js';
import type { CodecRejectReason, DecodedTensor } from './codec.js';
import type { Header } from './messages.js';
import { checkNonFiniteScan, type NonFiniteScan } from './non-finite.js';
import {
  DEFAULT_CHUNK_BYTES,
  DEFAULT_MAX_PAYLOAD_BYTES,
  ID_PATTERN,
  MAX_NODE_ID,
  type MessageType,
  NO_NODE,
} from './protocol.js';

/** Why an endpoint refused an arrived message: a codec reason or one of the endpoint's own checks. */
export type RejectReason = CodecRejectReason | 'routing-id' | 'direction' | 'wrong-run';

/** A validated message handed to the application. */
export interface IncomingMessage {
  /** The sender's routing id (a worker host id, a gossip peer id, or the DEALER's name for its server). */
  readonly peer: string;
  readonly header: Header;
  readonly tensors: DecodedTensor[];
  /** Bytes of all its frames (routing envelope excluded), as counted in the stats. */
  readonly bytes: number;
}

/** A change in a peer's liveness: first message, `bye`, or silence/disconnection. */
export interface PeerEvent {
  readonly kind: 'joined' | 'left' | 'lost';
  readonly peer: string;
  /** `bye` reason, `timeout`, `disconnected`, or `message` for joins. */
  readonly reason: string;
}

/** A refused message, reported after it was counted. */
export interface RejectEvent {
  readonly peer: string | null;
  readonly reason: RejectReason;
  readonly detail: string;
}

/** The slice of a pino logger the endpoints use. */
export interface EndpointLog {
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/** Options common to ROUTER and DEALER endpoints. Times in milliseconds, sizes in bytes. */
export interface EndpointOptions {
  /** Called for every valid message (heartbeats excepted). Exceptions are caught, logged and counted. */
  readonly onMessage: (message: IncomingMessage) => void;
  readonly onPeer?: (event: PeerEvent) => void;
  readonly onReject?: (event: RejectEvent) => void;
  /** Run id stamped on outgoing messages that omit one; when set, messages of another run are refused. */
  readonly run?: string;
  /** The `node` field of the endpoint's own heartbeats and error replies (default -1). */
  readonly node?: number;
  /** Message types this endpoint accepts (defaults per socket kind, see protocol.ts). */
  readonly accept?: readonly MessageType[];
  /**
   * Largest message payload accepted (all tensor frames together, header excluded); also the socket's
   * ZMQ_MAXMSGSIZE, which libzmq applies per frame (default 256 MiB).
   */
  readonly maxMessageBytes?: number;
  /**
   * Tensors larger than this are sent as several frames of this size ("chunks", joined again by the
   * receiver), so no frame is on the wire long enough to time out ZMTP heartbeats (default 8 MiB,
   * 1 MiB to 1 GiB).
   */
  readonly chunkBytes?: number;
  /**
   * Join received chunked tensors into buffers this endpoint reuses for the next message (default
   * false: a fresh buffer each time). Then such a tensor's `data` is valid only until `onMessage`
   * returns: for receivers that copy what they keep, such as a worker host's task model.
   */
  readonly reuseJoinBuffers?: boolean;
  /** Largest header frame accepted (default 1 MiB). */
  readonly maxHeaderBytes?: number;
  /**
   * A faster NaN/Inf scan of received f32 payloads, e.g. `kernels.compress.firstNonFinite` of
   * `@starling/native` (AVX2: ~45 GB/s vs ~7 GB/s in JS). Checked against the reference when the
   * endpoint is created; one that disagrees is refused. Default: the JS `firstNonFinite`.
   */
  readonly nonFiniteScan?: NonFiniteScan;
  /** Application heartbeat interval; 0 sends none (default 500). */
  readonly heartbeatMs?: number;
  /** A peer silent this long is reported lost, unless it is still connected (default 3000). */
  readonly peerTimeoutMs?: number;
  /**
   * A silent peer whose connection is still up (its ZeroMQ I/O thread answers ZMTP heartbeats, so its
   * process runs; only its main thread is busy or starved of CPU) is reported lost only after this much
   * silence (default 4 × `peerTimeoutMs`). A dead or frozen peer loses its connection (TCP close, or one
   * ZMTP timeout) and is reported lost at once.
   */
  readonly connectedSilenceMs?: number;
  /**
   * How long a peer whose connection dropped may take to reconnect before it is reported lost (default
   * 0: at once). A DEALER still reports a ROUTER that refuses the reconnection (its process is gone) at
   * once. Gossip runs use 5000, so a host whose I/O thread was starved past a ZMTP timeout is not lost.
   */
  readonly reconnectGraceMs?: number;
  /** ZMTP heartbeat interval and timeout on the socket (defaults 200 and 600). */
  readonly zmtpHeartbeatMs?: number;
  readonly zmtpTimeoutMs?: number;
  /** An outgoing message not accepted by the socket within this time is dropped (default 10000). */
  readonly sendTimeoutMs?: number;
  /** Per-peer queue bounds in front of the socket (defaults 1024 messages, 1 GiB). */
  readonly maxQueuedMessages?: number;
  readonly maxQueuedBytes?: number;
  /** ZeroMQ high-water marks, in messages per peer (defaults 64 and 64). */
  readonly sendHighWaterMark?: number;
  /**
   * 0: no limit. A full receive queue makes libzmq stop reading the connection, which then misses the
   * peer's ZMTP heartbeats, times out, and on reconnection can abort the process in libzmq 4.3.5
   * (`Assertion failed: _input_stopped`, zeromq/libzmq#3937): a receiver whose main thread may be starved
   * for seconds and whose peer sends a bounded number of messages (a worker host) sets 0.
   */
  readonly receiveHighWaterMark?: number;
  /** Answer refused messages with an `error` message, at most one per peer per 250 ms (default true). */
  readonly replyErrors?: boolean;
  readonly log?: EndpointLog;
  /** Monotonic clock in milliseconds (default `performance.now`). */
  readonly now?: () => number;
}

/** {@link EndpointOptions} with every default filled in. */
export type ResolvedOptions = Required<Omit<EndpointOptions, 'onPeer' | 'onReject' | 'run' | 'nonFiniteScan'>> &
  Pick<EndpointOptions, 'onPeer' | 'onReject' | 'run' | 'nonFiniteScan'>;

const SILENT: EndpointLog = { warn() {}, debug() {} };

function check(path: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw errors.option(`transport.${path}`, `an integer in [${min}, ${max}]`, value);
  }
  return value;
}

/** Fills defaults and validates ranges; throws a `config` StarlingError naming the option. */
export function resolveOptions(o: EndpointOptions, accept: readonly MessageType[]): ResolvedOptions {
  if (typeof o.onMessage !== 'function') throw errors.option('transport.onMessage', 'a function', o.onMessage);
  if (o.run !== undefined && !ID_PATTERN.test(o.run)) throw errors.option('transport.run', `${ID_PATTERN}`, o.run);
  if (o.nonFiniteScan !== undefined) {
    const problem = typeof o.nonFiniteScan === 'function' ? checkNonFiniteScan(o.nonFiniteScan) : 'not a function';
    if (problem !== null) {
      throw errors.option('transport.nonFiniteScan', 'a scan that agrees with firstNonFinite', problem);
    }
  }
  const r: ResolvedOptions = {
    ...o,
    node: check('node', o.node ?? NO_NODE, NO_NODE, MAX_NODE_ID),
    accept: o.accept ?? accept,
    maxMessageBytes: check('maxMessageBytes', o.maxMessageBytes ?? DEFAULT_MAX_PAYLOAD_BYTES, 1024, 2 ** 32 - 1),
    chunkBytes: check('chunkBytes', o.chunkBytes ?? DEFAULT_CHUNK_BYTES, MIN_CHUNK_BYTES, MAX_CHUNK_BYTES),
    maxHeaderBytes: check('maxHeaderBytes', o.maxHeaderBytes ?? 2 ** 20, 256, 2 ** 30),
    heartbeatMs: check('heartbeatMs', o.heartbeatMs ?? 500, 0, 60_000),
    peerTimeoutMs: check('peerTimeoutMs', o.peerTimeoutMs ?? 3000, 50, 600_000),
    connectedSilenceMs: check(
      'connectedSilenceMs',
      o.connectedSilenceMs ?? 4 * (o.peerTimeoutMs ?? 3000),
      o.peerTimeoutMs ?? 3000,
      2_400_000,
    ),
    reconnectGraceMs: check('reconnectGraceMs', o.reconnectGraceMs ?? 0, 0, 600_000),
    zmtpHeartbeatMs: check('zmtpHeartbeatMs', o.zmtpHeartbeatMs ?? 200, 0, 60_000),
    zmtpTimeoutMs: check('zmtpTimeoutMs', o.zmtpTimeoutMs ?? 600, 0, 600_000),
    sendTimeoutMs: check('sendTimeoutMs', o.sendTimeoutMs ?? 10_000, 1, 3_600_000),
    maxQueuedMessages: check('maxQueuedMessages', o.maxQueuedMessages ?? 1024, 1, 1_000_000),
    maxQueuedBytes: check('maxQueuedBytes', o.maxQueuedBytes ?? 2 ** 30, 1024, Number.MAX_SAFE_INTEGER),
    sendHighWaterMark: check('sendHighWaterMark', o.sendHighWaterMark ?? 64, 1, 1_000_000),
    receiveHighWaterMark: check('receiveHighWaterMark', o.receiveHighWaterMark ?? 64, 0, 1_000_000),
    replyErrors: o.replyErrors ?? true,
    reuseJoinBuffers: o.reuseJoinBuffers ?? false,
    log: o.log ?? SILENT,
    now: o.now ?? (() => performance.now()),
  };
  if (r.heartbeatMs > 0 && r.peerTimeoutMs <= r.heartbeatMs) {
    throw errors.option('transport.peerTimeoutMs', `greater than heartbeatMs (${r.heartbeatMs})`, r.peerTimeoutMs);
  }
  return r;
}
