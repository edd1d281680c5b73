import { resolve } from 'node:path';
import { errors } from '@starling/core';
import { loadAllowList, loadIdentity, type RouterSecurity } from '@starling/transport';
import { consoleLine } from '../artifacts/console.js';
import type { RuntimeConfig } from '../config/schema-algorithm.js';

/** The slice of a logger the check uses. */
interface SecurityLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/**
 * Whether a bind endpoint listens on this machine only: `ipc://`, `inproc://`, or tcp on a 127.x.x.x
 * address, `localhost` or `[::1]`. Wildcards (`*`, `0.0.0.0`, `[::]`) and any other address are not.
 */
export function isLoopbackBind(endpoint: string): boolean {
  if (/^(ipc|inproc):\/\//.test(endpoint)) return true;
  return /^tcp:\/\/(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\]):(\d+|\*)$/.test(endpoint);
}

/** What a plaintext cluster listener exposes to whoever can reach it (the `--insecure` warning). */
export const OPEN_BIND_EXPOSURE =
  'anyone who can reach it can register as a host, read the model and the data indices it is sent each ' +
  'round, and poison the model with its updates; traffic is unencrypted';

/**
 * The CURVE security of a cluster run's listener (the parameter server's or gossip coordinator's
 * ROUTER), or null. With `runtime.security` it loads the server's key pair and the allow-list (paths
 * relative to `baseDir`; a file that is missing, unreadable or malformed is a `data` error naming it,
 * exit code 2); the server's own key in the allow-list folder is left out. Without it, a cluster bind
 * on a non-loopback address is refused with a `config` error (exit code 2) unless `runtime.insecure`,
 * which logs a warning (and writes it on stderr) saying what is exposed. Other runtimes stay plaintext
 * on loopback or ipc: null.
 */
export function clusterSecurity(rt: RuntimeConfig, baseDir: string, log: SecurityLog): RouterSecurity | null {
  if (rt.kind !== 'cluster') return null;
  if (rt.security) {
    const identity = loadIdentity(resolve(baseDir, rt.security.key));
    const allow = new Map(loadAllowList(resolve(baseDir, rt.security.allow)));
    if (allow.get(identity.name) === identity.publicKey) allow.delete(identity.name);
    if (allow.size === 0) {
      throw errors.option(
        'runtime.security.allow',
        "a .key file or a folder with at least one host's NAME.key",
        rt.security.allow,
      );
    }
    log.info({ server: identity.name, allowed: [...allow.keys()], bind: rt.bind }, 'CURVE on: only allow-listed hosts');
    return { identity, allow };
  }
  if (isLoopbackBind(rt.bind)) return null;
  if (!rt.insecure) {
    throw errors.option(
      'runtime.bind',
      'a loopback address (tcp://127.0.0.1:PORT, ipc://) when runtime.security is not set: refusing to listen ' +
        `openly, where ${OPEN_BIND_EXPOSURE}. Give the server a key and an allow-list (starling server --key FILE ` +
        '--allow PATH, or runtime.security: {key, allow}; keys from starling keys generate), or pass --insecure ' +
        '(runtime.insecure: true) to listen anyway',
      rt.bind,
    );
  }
  const warning = `insecure: listening on ${rt.bind} without CURVE: ${OPEN_BIND_EXPOSURE}`;
  log.warn({ bind: rt.bind }, warning);
  consoleLine('warn', { bind: rt.bind }, warning);
  return null;
}
