import type { EndpointStats, HostPresence, RouterSecurity } from '@starling/transport';
import type { HostLog } from '../worker-host.js';
import type { GossipRound } from './gossip-monitor.js';
import type { GossipSetup } from './gossip-setup.js';
import type { PeerCheckpoint } from './peer-checkpoint.js';

/** How the coordinator of a gossip run listens, whom it waits for and where rounds go. Times in ms. */
export interface GossipCoordinatorOptions {
  /** `tcp://127.0.0.1:*`, `tcp://*:7000`, `ipc:///tmp/x.sock`, ... */
  readonly bind: string;
  /** The run id stamped on every message. */
  readonly run: string;
  /** Gossip hosts to wait for before the run starts; the peers are split over them. */
  readonly hosts: number;
  /**
   * The host ids this runtime launched (`threads`, `processes`): a hello from another id is refused with
   * `bye` and logged, so a rogue local process cannot take a host's place. Absent (cluster): any id.
   */
  readonly admit?: ReadonlySet<string>;
  readonly setup: GossipSetup;
  /** Example indices per node id. */
  readonly partition: readonly Int32Array[];
  /** Length of every model vector (reports carrying another length are refused). */
  readonly modelSize: number;
  /** Give up when fewer than `hosts` registered within this time. */
  readonly joinTimeoutMs: number;
  readonly log: HostLog;
  /**
   * CURVE on the ROUTER (a cluster run with `runtime.security`): only allow-listed hosts join, each under
   * its key's name, and the welcome carries every joined host's public key (`config.keys`) so the hosts'
   * gossip inboxes admit exactly those. Absent: plaintext.
   */
  readonly security?: RouterSecurity;
  /** Called once the socket is bound, with the resolved address. */
  readonly onListening?: (address: string) => void;
  /** Each round's reports, in round order, once every live peer has reported it. */
  readonly onRound: (round: GossipRound) => void | Promise<void>;
  readonly heartbeatMs?: number;
  readonly peerTimeoutMs?: number;
  /**
   * Aborting stops the run (after the round being released, if any): the coordinator says `bye` to
   * every host and rejects with a StarlingError of code `interrupted`; see `interruptGraceMs` for when.
   */
  readonly signal?: AbortSignal;
  /**
   * With `boundary`: after `signal` aborts, how long (ms) the peers may still finish the round in
   * progress, so its boundary runs (a caller that checkpoints on interrupt writes that round's
   * checkpoint there and throws); the run stops right after that boundary, or when the grace runs out.
   * Default 0: at once.
   */
  readonly interruptGraceMs?: number;
  /**
   * Called after the `onRound` of each round where the peers stand still (`holdAfter`, or where an
   * interrupt aligned them) with a capture of every peer's state (by node id, fetched from the hosts);
   * awaited while the peers hold, then they `proceed`.
   */
  readonly boundary?: (round: number, capture: () => Promise<PeerCheckpoint[]>) => Promise<void>;
  /**
   * The rounds after which the peers must stand still for `boundary` (a checkpoint is due): only
   * there does `boundary` run, so the other rounds cost no coordinator round trip. An interrupt adds
   * the round where it aligns the peers. Absent: none (every boundary is skipped but an interrupt's).
   */
  readonly holdAfter?: (round: number) => boolean;
  /** Continue after round `round` from these peer states (by node id); needs `boundary`. */
  readonly resume?: { readonly round: number; readonly peers: readonly PeerCheckpoint[] };
  /**
   * Telemetry: each admitted host's `joined` / `lost` (see `HostWatch`; a gossip host never comes
   * back after the start), until the run ends. Absent: nothing is reported; it never changes the run.
   */
  readonly onHost?: (e: HostPresence) => void;
}

/** What a finished gossip run reports besides its rounds. */
export interface GossipCoordinatorReport {
  readonly rounds: number;
  /** Each host's gossip endpoint and nodes. */
  readonly hosts: Readonly<Record<string, { endpoint: string; nodes: number[] }>>;
  /** Nodes whose host was lost before the end and not replaced, ascending. */
  readonly lost: readonly number[];
  /** Nodes lost at some time during the run (replaced or not). */
  readonly everLost: number;
  /** Peers taken over by replacement hosts after the start (a node replaced twice counts twice). */
  readonly rejoined: number;
  /** Counters of the monitor channel (reports and models; not gossip traffic). */
  readonly monitor: EndpointStats;
  /** Reports refused (wrong host for the node, bad model). */
  readonly refused: number;
}
