import { type ChildProcess, spawn } from 'node:child_process';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SharedLane } from '@starling/transport';
import { GossipHost, type HostLog, WorkerHost } from '@starling/worker';
import { hostV8Flags } from '../api/v8-tiering.js';
import { consoleLine } from '../artifacts/console.js';
import type { RuntimeConfig } from '../config/schema-algorithm.js';
import type { HostKind, HostProcessOptions } from './host-main.js';
import { HostSupervisor } from './supervisor.js';

const ENTRY = fileURLToPath(new URL('./host-entry.js', import.meta.url));
/** How long a finished run waits for a host process before SIGKILL. */
const EXIT_GRACE_MS = 5000;

/** The socket runtimes: everything but `inline`. */
export type SocketRuntime = Exclude<RuntimeConfig, { kind: 'inline' }>;

/** The hosts a run started (or waits for), and how to let them go at the end. */
export interface LaunchedHosts {
  /** Waits for in-process hosts to finish and host processes to exit (SIGKILL after 5 s). */
  close(): Promise<void>;
}

/** How many hosts a socket runtime has: 1 for threads, `workers` processes, or `hosts` in a cluster. */
export function hostCount(rt: SocketRuntime): number {
  return rt.kind === 'threads' ? 1 : rt.kind === 'cluster' ? rt.hosts : rt.workers;
}

/**
 * How long the server or coordinator waits for every host to join: the cluster's `joinTimeoutS`, or for
 * hosts this process starts 60 s plus 5 s per host (64 host processes on 2 cores took ~120 s to join).
 */
export function joinTimeoutMs(rt: SocketRuntime): number {
  return rt.kind === 'cluster' ? rt.joinTimeoutS * 1000 : 60_000 + 5_000 * hostCount(rt);
}

/** How long the parameter server waits for a host once every host is gone: `runtime.hostWaitS` (60 s for threads). */
export function hostWaitMs(rt: SocketRuntime): number {
  return (rt.kind === 'threads' ? 60 : rt.hostWaitS) * 1000;
}

/** The id of the `i`-th host a local runtime launches. */
function launchedId(i: number): string {
  return `host-${i}`;
}

/**
 * The ids of the hosts `threads` and `processes` launch (the server and the gossip coordinator admit
 * only these), or undefined for `cluster`, where hosts are started elsewhere and CURVE admits them.
 */
export function launchedHostIds(rt: SocketRuntime): ReadonlySet<string> | undefined {
  if (rt.kind === 'cluster') return undefined;
  return new Set(Array.from({ length: hostCount(rt) }, (_, i) => launchedId(i)));
}

/** A unique ipc:// endpoint for this run and purpose, in the temp folder. */
export function ipcEndpoint(run: string, what: string): string {
  return `ipc://${join(tmpdir(), `starling-${run}-${process.pid}-${what}.sock`)}`;
}

/** Where a local listener binds: an ephemeral loopback port for tcp, a temp socket for ipc. */
export function localEndpoint(transport: 'tcp' | 'ipc', run: string, what: string): string {
  return transport === 'tcp' ? 'tcp://127.0.0.1:*' : ipcEndpoint(run, what);
}

/** The fd a worker process finds the server's cross-process round slots on (its stdio entry 3). */
const SHM_CHILD_FD = 3;

/**
 * Spawns one host process. With `shmFd` (the server's memfd, see `ShmRounds`), the child inherits it as
 * its fd 3 (and only the child: the memfd is close-on-exec otherwise), so nothing is left behind when
 * any process is killed: the memory goes with the last process that holds it.
 */
function spawnHost(kind: HostKind, options: HostProcessOptions, log: HostLog, shmFd?: number): ChildProcess {
  const shared = shmFd !== undefined ? { shmFd: SHM_CHILD_FD } : {};
  // V8's tier-up budget on the command line when the user set one, so it holds from the child's first line
  const child = spawn(process.execPath, [...hostV8Flags(), ENTRY, kind, JSON.stringify({ ...options, ...shared })], {
    stdio: ['ignore', 'ignore', 'pipe', ...(shmFd !== undefined ? [shmFd] : [])],
  });
  child.stderr?.on('data', (chunk: Buffer) =>
    log.warn({ host: options.hostId, stderr: chunk.toString().trim() }, `${kind} output`),
  );
  return child;
}

async function startInProcess(
  kind: HostKind,
  connect: string,
  bind: string,
  log: HostLog,
  lane: SharedLane | undefined,
  dataDir: string | undefined,
): Promise<LaunchedHosts> {
  if (kind === 'worker') {
    const host = new WorkerHost({ connect, hostId: launchedId(0), log, lane, dataDir });
    return { close: () => host.close('run finished') };
  }
  const host = await GossipHost.start({ connect, hostId: launchedId(0), bind, log, dataDir });
  return {
    async close() {
      await Promise.race([host.finished, new Promise((r) => setTimeout(r, EXIT_GRACE_MS).unref())]);
      await host.close('run finished');
    },
  };
}

/**
 * Starts the hosts of a socket runtime once the server (or gossip coordinator) listens on `address`:
 * `threads` runs one host in this process (its pool trains on every core); `processes` spawns
 * `workers` host processes with the cores split between them; `cluster` starts nothing and tells the
 * operator what to run on each machine. With `lane`, the threads host sends raw Δs through shared memory. Peers of a gossip run each bind their own ROUTER (`gossipBind(i)`).
 */
export async function launchHosts(o: {
  readonly kind: HostKind;
  readonly runtime: SocketRuntime;
  readonly address: string;
  readonly run: string;
  readonly log: HostLog;
  /**
   * Shared memory with the server: for a `threads` worker host (Δs sent by reference), or, for
   * `processes`, the lane whose memfd (`regionFd`) every worker process inherits (`crossProcessLane`).
   */
  readonly lane?: SharedLane;
  /** Where the hosts resolve relative data paths: the config file's folder (never sent in the welcome). */
  readonly dataDir?: string;
  /** `processes`: who starts (and relaunches) the host processes; default: one with `runtime.restarts`. */
  readonly supervisor?: HostSupervisor;
}): Promise<LaunchedHosts> {
  const rt = o.runtime;
  const hosts = hostCount(rt);
  if (rt.kind === 'cluster') {
    const what = o.kind === 'worker' ? 'worker host(s): starling worker' : 'gossip host(s): starling peer';
    consoleLine(
      'info',
      { address: o.address, hosts },
      `listening on ${o.address}; waiting for ${hosts} ${what} --connect <this host's address>`,
    );
    return { close: async () => {} };
  }
  const gossipBind = (i: number) => localEndpoint(rt.transport, o.run, `gossip-${i}`);
  if (rt.kind === 'threads') return startInProcess(o.kind, o.address, gossipBind(0), o.log, o.lane, o.dataDir);
  const threads = Math.max(1, Math.floor(availableParallelism() / hosts));
  // The supervisor relaunches a host process that dies (runtime.restarts) and kills them all if this process exits.
  const supervisor = o.supervisor ?? new HostSupervisor(rt.restarts, o.log);
  for (let i = 0; i < hosts; i++) {
    const options: HostProcessOptions = {
      connect: o.address,
      hostId: launchedId(i),
      threads,
      logLevel: 'warn',
      ...(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}),
      ...(o.kind === 'peer' ? { bind: gossipBind(i) } : {}),
    };
    supervisor.start(launchedId(i), () =>
      spawnHost(o.kind, options, o.log, o.kind === 'worker' ? o.lane?.regionFd : undefined),
    );
  }
  return supervisor;
}
