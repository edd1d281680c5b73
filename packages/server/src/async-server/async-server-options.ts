import type { EndpointStats, HostPresence, JsonValue, NonFiniteScan, RouterSecurity } from '@starling/transport';
import type { ServerLog } from '../parameter-server/server-log.js';
import type { UpdateDecoder } from '../update-decoder.js';
import type { AsyncSocketRecord } from './async-loop.js';

/**
 * How the asynchronous server listens and whom it waits for: the parameter server's options
 * (`ZmqServerOptions`) that apply without rounds. No shared lane (`threads` hosts send Δs as frames: a
 * host frees its shared arenas when a later task arrives, which an asynchronous server sends before it
 * has read every earlier update), no compressed downlink, no SCAFFOLD control, no checkpoint state.
 */
export interface AsyncServerOptions {
  /** `tcp://127.0.0.1:*`, `tcp://*:7000`, `ipc:///tmp/x.sock`, ... */
  readonly bind: string;
  /** The run id stamped on every message. */
  readonly run: string;
  /** Worker hosts to wait for before the first dispatch; the clients are split over them. */
  readonly hosts: number;
  /** The welcome `config` for a host given these nodes (the run's setup and their partition). */
  readonly hostConfig: (host: string, nodes: readonly number[]) => JsonValue;
  /** The host ids this runtime launched (`threads`, `processes`); absent (cluster): any id. */
  readonly admit?: ReadonlySet<string>;
  /** Give up when fewer than `hosts` registered within this time (ms). */
  readonly joinTimeoutMs: number;
  /** Once every host that carries clients is gone, how long to wait (ms) before the run fails (default 60 000). */
  readonly hostWaitMs?: number;
  readonly log: ServerLog;
  /** CURVE on the ROUTER (a cluster run with `runtime.security`); absent: plaintext. */
  readonly security?: RouterSecurity;
  /** Called once the socket is bound, with the resolved address. */
  readonly onListening?: (address: string) => void;
  readonly heartbeatMs?: number;
  readonly peerTimeoutMs?: number;
  /** A faster NaN/Inf scan for received f32 frames (the native kernels'). */
  readonly nonFiniteScan?: NonFiniteScan;
  /** Decodes each update's `delta` (`compression.up`), or raw f32 when absent. */
  readonly updates?: UpdateDecoder;
  /** Aborting stops the run at once: `bye` to every host, `run()` rejects with code `interrupted`. */
  readonly signal?: AbortSignal;
  /** Telemetry of hosts joining, lost and back; never changes the run. */
  readonly onHost?: (e: HostPresence) => void;
}

/** Socket bytes of one server update's span (headers and framing included; refused traffic apart). */
export interface AsyncSocketTraffic {
  readonly bytesUp: number;
  readonly bytesDown: number;
  readonly refusedBytes: number;
}

/** Called with each server model update; the server handles nothing else until it resolves. */
export type AsyncUpdateCallback = (
  record: AsyncSocketRecord,
  traffic: AsyncSocketTraffic,
  model: Float32Array,
) => void | Promise<void>;

/** What a finished asynchronous run over sockets reports besides its updates. */
export interface AsyncRunReport {
  /** Server model updates applied. */
  readonly rounds: number;
  /** Per host: bytes in each direction over the whole run. */
  readonly links: Record<string, { bytesUp: number; bytesDown: number }>;
  readonly stats: EndpointStats;
  /** Updates refused (malformed, wrong host, late, duplicate, bad weight). */
  readonly rejectedUpdates: number;
}
