import { resolve } from 'node:path';
import { errors } from '@starling/core';
import { applyOverride, readConfigFile } from '@starling/runner';

/** The flags of `starling server` that make its cluster runtime. */
export interface ServerRuntimeFlags {
  readonly config: string;
  readonly set: readonly string[];
  readonly bind: string;
  readonly hosts: number;
  readonly hostWaitS: number;
  /** The server's secret key file and the allow-list (relative to the working directory). */
  readonly key?: string;
  readonly allow?: string;
  readonly insecure: boolean;
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * The `--set runtime=...` override `starling server` runs with: a cluster on `--bind` for `--hosts` hosts.
 * CURVE comes from `--key` and `--allow` (resolved against the working directory), or else from the
 * config's own `runtime.security` when its runtime is a cluster (resolved later against the config's
 * folder); `joinTimeoutS` and `insecure` of such a config are kept too, and `--insecure` sets the latter.
 * One of `--key`, `--allow` without the other is a `usage` error.
 */
export function serverRuntime(f: ServerRuntimeFlags): string {
  if ((f.key === undefined) !== (f.allow === undefined)) {
    throw errors.usage("--key and --allow go together: the server's secret key file and the allowed hosts' keys");
  }
  let raw = readConfigFile(f.config);
  for (const s of f.set) raw = applyOverride(raw, s);
  const own = record(record(raw).runtime);
  const cluster = own.kind === 'cluster' ? own : {};
  const runtime: Record<string, unknown> = {
    kind: 'cluster',
    bind: f.bind,
    hosts: f.hosts,
    hostWaitS: f.hostWaitS,
    ...(cluster.joinTimeoutS !== undefined ? { joinTimeoutS: cluster.joinTimeoutS } : {}),
    ...(cluster.security !== undefined ? { security: cluster.security } : {}),
    ...(f.key !== undefined && f.allow !== undefined
      ? { security: { key: resolve(f.key), allow: resolve(f.allow) } }
      : {}),
    insecure: f.insecure || cluster.insecure === true,
  };
  // JSON is YAML flow syntax: quoted paths survive any character.
  return `runtime=${JSON.stringify(runtime)}`;
}
