import type {
  EndpointStats,
  HostPresence,
  JsonValue,
  NodeStatePayload,
  NonFiniteScan,
  RouterSecurity,
  SharedLane,
} from '@starling/transport';
import type { Downlink } from '../downlink.js';
import type { UpdateDecoder } from '../update-decoder.js';
import type { ServerLog } from './server-log.js';

/** How the parameter server listens and whom it waits for. */
export interface ZmqServerOptions {
  /** `tcp://127.0.0.1:*`, `tcp://*:7000`, `ipc:///tmp/x.sock`, ... */
  readonly bind: string;
  /** The run id stamped on every message (letters, digits, `._:-`). */
  readonly run: string;
  /** Worker hosts to wait for before round 0; the virtual nodes are split over them. */
  readonly hosts: number;
  /** The welcome `config` for a host given these nodes (the run's setup and their partition). */
  readonly hostConfig: (host: string, nodes: readonly number[]) => JsonValue;
  /**
   * The host ids this runtime launched (`threads`, `processes`): a hello from another id is refused with
   * `bye` and logged. Absent (cluster): any id may register; CURVE's allow-list decides who connects.
   */
  readonly admit?: ReadonlySet<string>;
  /** Give up when fewer than `hosts` registered within this time (ms). */
  readonly joinTimeoutMs: number;
  /**
   * Once every host that carries nodes is gone, how long to wait (ms) for one to come back or for a
   * replacement before the run fails; the open round is held meanwhile (default 60 000, the config's
   * `runtime.hostWaitS`).
   */
  readonly hostWaitMs?: number;
  /**
   * Asked when a host is lost (not when it left with `bye`): true when it will come back (the
   * `processes` runtime's supervisor relaunches its process), so its nodes are held for it (the open
   * round waits, its deadline paused, up to `hostWaitMs`) instead of failing. Absent: never.
   */
  readonly expectsReturn?: (host: string) => boolean;
  readonly log: ServerLog;
  /**
   * CURVE on the ROUTER (a cluster run with `runtime.security`): only hosts whose key is in `allow` get
   * through, each under the name its key was issued to (its host id); absent: plaintext.
   */
  readonly security?: RouterSecurity;
  /** Called once the socket is bound, with the resolved address (e.g. the port picked for `:*`). */
  readonly onListening?: (address: string) => void;
  readonly heartbeatMs?: number;
  readonly peerTimeoutMs?: number;
  /** A faster NaN/Inf scan for received f32 frames (the native kernels'), checked against the reference. */
  readonly nonFiniteScan?: NonFiniteScan;
  /** Decodes each update's `delta` (compressed with `compression.up`, or raw f32 when absent). */
  readonly updates?: UpdateDecoder;
  /** The compressed downlink (`compression.down`): tasks carry x̂ or its deltas instead of the raw model. */
  readonly downlink?: Downlink;
  /**
   * SCAFFOLD's server control variate c (read at every dispatch, model length): each task carries a copy
   * as the f32 tensor `control` after the model, counted as downlink. Absent for other algorithms.
   */
  readonly control?: Float32Array;
  /** Shared memory with hosts in this process (`threads`): updates of codec `shm` are read from it. */
  readonly lane?: SharedLane;
  /**
   * Aborting stops the run: the server says `bye` to every host and `run()` rejects with a StarlingError
   * of code `interrupted`; see `interruptGraceMs` for when.
   */
  readonly signal?: AbortSignal;
  /**
   * After `signal` aborts, how long (ms) the open round may still close and be reported before the run
   * stops (default 0: at once, the open round abandoned). The round callback of that round runs, so a
   * caller that writes a checkpoint on interrupt there gets one of the round that closed; the run
   * stops right after that callback (or with the error it throws), or when the grace runs out.
   */
  readonly interruptGraceMs?: number;
  /**
   * A resumed run: each node's checkpointed state (by node id), sent to its host right after the host's
   * first `welcome`, before any task (`node-state`, docs/protocol.md).
   */
  readonly restoreNodeState?: ReadonlyMap<number, NodeStatePayload>;
  /**
   * Dispatch the next round before awaiting a closed round's report (evaluation, metrics, checkpoint), so
   * hosts train while it runs. Only for runs whose report reads nothing the dispatch changes: not with a
   * compressed downlink (the dispatch advances x̂). Node state collected for a checkpoint is the state
   * after the reported round either way (hosts keep the state a round started from). Default false.
   */
  readonly reportAfterDispatch?: boolean;
  /**
   * Telemetry: each admitted host's `joined` / `lost` / `back` (see `HostWatch`), until the run ends.
   * Absent: nothing is reported; it never changes what the run does.
   */
  readonly onHost?: (e: HostPresence) => void;
}

/** What a finished ZeroMQ run reports besides its rounds. */
export interface ZmqRunReport {
  readonly rounds: number;
  /** Per host: bytes in each direction over the whole run (the per-link byte matrix of a star). */
  readonly links: Record<string, { bytesUp: number; bytesDown: number }>;
  readonly stats: EndpointStats;
  /** Updates the round logic rejected (late, unsolicited, duplicate, non-finite), by reason. */
  readonly rejectedUpdates: number;
}
