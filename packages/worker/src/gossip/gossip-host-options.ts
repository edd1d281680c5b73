import type { DealerSecurity } from '@starling/transport';
import type { HostLog } from '../worker-host.js';

/** How a gossip host joins a run. Times in milliseconds. */
export interface GossipHostOptions {
  /** The run coordinator's endpoint (`starling run`'s own ROUTER, or `starling server` on another machine). */
  readonly connect: string;
  /** Where this host's gossip ROUTER binds (default `tcp://127.0.0.1:*`). */
  readonly bind?: string;
  /** The gossip address other hosts connect to (default: the bound one). */
  readonly advertise?: string;
  /** A unique host id (letters, digits, `._:-`); default `<hostname>-<pid>`, or the key's name with `security`. */
  readonly hostId?: string;
  /**
   * CURVE for a run with `runtime.security`: this host's key pair (its name is the host id) and the
   * coordinator's public key. The gossip inbox then admits only the hosts whose keys the coordinator's
   * welcome lists (`welcome.config.keys`), and each peer link authenticates the receiving host by its key.
   */
  readonly security?: DealerSecurity;
  /** Pool threads that train the host's peers (default: the machine's cores). */
  readonly threads?: number;
  readonly log: HostLog;
  /** Heartbeats on every link, and the silence after which a host counts as lost (defaults 500 and 5000). */
  readonly heartbeatMs?: number;
  readonly peerTimeoutMs?: number;
  /**
   * How long the host goes on without hearing from its coordinator (at the start, or after losing it)
   * before it gives up: `finished` settles and `failure` says why (default 60 000 ms; `--server-wait-s`).
   * A host whose peers all finished closes at once when the coordinator goes, as before.
   */
  readonly serverWaitMs?: number;
}
