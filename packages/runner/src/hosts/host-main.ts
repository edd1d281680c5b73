import { errors } from '@starling/core';
import { type DealerSecurity, loadIdentity, loadPublicKey } from '@starling/transport';
import { GossipHost, type HostLog, WorkerHost } from '@starling/worker';
import pino from 'pino';
import { consoleLine } from '../artifacts/console.js';
import { isLoopbackBind } from './cluster-security.js';

/** A host process's options: what `starling worker` / `starling peer` take, already checked. */
export interface HostProcessOptions {
  /** The server's (worker) or coordinator's (peer) endpoint. */
  readonly connect: string;
  readonly hostId?: string;
  readonly threads?: number;
  /** Peers only: where the host's gossip ROUTER binds, and the address others should dial. */
  readonly bind?: string;
  readonly advertise?: string;
  /**
   * CURVE (`--key`, `--server-key`): this host's secret key file (its name is the host id) and the server's
   * (or coordinator's) public key file. Both or neither.
   */
  readonly key?: string;
  readonly serverKey?: string;
  /** Peers only: listen in plaintext on a non-loopback `bind` anyway (`--insecure`; see `refuseOpenInbox`). */
  readonly insecure?: boolean;
  /** Give up (exit 1) after this many seconds without the server or coordinator (default 60). */
  readonly serverWaitS?: number;
  /** Folder that relative data paths resolve against on this host (default: the working directory). */
  readonly dataDir?: string;
  /** processes: the fd of the server's cross-process round slots (a memfd) this process inherited. */
  readonly shmFd?: number;
  /** Level of the JSON log on stderr. */
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
}

/** The kinds of host a run can launch: a worker host of a parameter server, or a gossip host of peers. */
export type HostKind = 'worker' | 'peer';

function stderrLog(o: HostProcessOptions, hostId: string | undefined): HostLog {
  return pino({ level: o.logLevel, base: { host: hostId } }, pino.destination(2));
}

/**
 * The host's CURVE security from `--key` and `--server-key`, or null without them. A file that is
 * missing, unreadable or malformed is a `data` error naming it; one flag without the other, or a
 * `--host-id` other than the key's name, is a `usage` error (exit code 2 either way).
 */
export function hostSecurity(o: HostProcessOptions): DealerSecurity | null {
  if (o.key === undefined && o.serverKey === undefined) return null;
  if (o.key === undefined || o.serverKey === undefined) {
    throw errors.usage(
      "--key and --server-key go together: this host's secret key file and the server's public key file",
    );
  }
  const identity = loadIdentity(o.key);
  if (o.hostId !== undefined && o.hostId !== identity.name) {
    throw errors.usage(
      `--host-id ${o.hostId} differs from the name of the key in ${o.key} (${identity.name}): a host's id is its key's name`,
    );
  }
  return { identity, serverKey: loadPublicKey(o.serverKey).publicKey };
}

/**
 * A gossip host without a key receives gossip in plaintext: its inbox (`--bind`) must then listen on
 * loopback or ipc, or the host must be told `--insecure` (a warning on stderr says what that exposes);
 * otherwise a `usage` error (exit code 2). Hosts the `processes` runtime starts bind loopback.
 */
export function refuseOpenInbox(o: HostProcessOptions): void {
  const bind = o.bind ?? 'tcp://0.0.0.0:*';
  if (isLoopbackBind(bind)) return;
  const exposure =
    'anyone who can reach it can send this host gossip for its peers (poisoning their models) and read what it is sent';
  if (!o.insecure) {
    throw errors.usage(
      `starling peer without --key listens in plaintext on ${bind}: refusing to listen openly, where ${exposure}. ` +
        'Give it a key (--key FILE --server-key FILE; keys from starling keys generate), bind a loopback address ' +
        '(--bind tcp://127.0.0.1:*), or pass --insecure to listen anyway',
    );
  }
  consoleLine('warn', { bind }, `insecure: gossip inbox on ${bind} without CURVE: ${exposure}`);
}

/**
 * Runs one host in this process until its run ends (`bye`, or every peer finished) or one of
 * `stopOn` closes it; resolves with the reason, or rejects with an `interrupted` StarlingError (exit
 * code 130) when a signal closed it (the host says `bye` first). The same function serves
 * `starling worker`, `starling peer` and the children the `processes` runtime spawns (those stop on
 * SIGTERM only: a terminal's Ctrl-C reaches the whole process group, and their parent, which tells
 * them `bye`, owns their lifetime).
 */
export async function runHostProcess(
  kind: HostKind,
  o: HostProcessOptions,
  stopOn: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'],
): Promise<string> {
  const security = hostSecurity(o);
  if (kind === 'peer' && security === null) refuseOpenInbox(o);
  const hostId = security?.identity.name ?? o.hostId;
  const log = stderrLog(o, hostId);
  const serverWaitMs = (o.serverWaitS ?? 60) * 1000;
  const secure = security ? { security } : {};
  const host =
    kind === 'worker'
      ? new WorkerHost({
          connect: o.connect,
          hostId,
          threads: o.threads,
          log,
          serverWaitMs,
          dataDir: o.dataDir,
          ...(o.shmFd !== undefined ? { shmFd: o.shmFd } : {}),
          ...secure,
        })
      : await GossipHost.start({
          ...secure,
          connect: o.connect,
          bind: o.bind,
          advertise: o.advertise,
          hostId,
          threads: o.threads,
          log,
          serverWaitMs,
          dataDir: o.dataDir,
        });
  let stoppedBy: NodeJS.Signals | null = null;
  const stop = (signal: NodeJS.Signals) => {
    stoppedBy ??= signal;
    void host.close(`${kind} host stopped by ${signal}`);
  };
  for (const s of stopOn) process.once(s, stop);
  log.info(
    { connect: o.connect, curve: security !== null },
    kind === 'worker' ? 'worker host started' : 'gossip host started',
  );
  const reason = await host.finished;
  for (const s of stopOn) process.off(s, stop);
  log.info({ reason }, kind === 'worker' ? 'worker host finished' : 'gossip host finished');
  // A refused welcome (bad config) is a config error: exit code 2; no server for too long: exit code 1.
  if (host.failure) throw host.failure;
  if (stoppedBy !== null) throw errors.interrupted(`by ${stoppedBy}`);
  return reason;
}
