/**
 * Where a Starling pod finds its files, and the ports it uses: shared by the manifests and
 * docs/deploy.md. The image (deploy/Dockerfile) runs as user and group {@link RUN_AS} with
 * {@link RUNS_DIR} as its working directory.
 */
export const POD_LAYOUT = {
  /** The experiment config (a ConfigMap). */
  configDir: '/etc/starling/config',
  /** The allow-list of the server or coordinator: one public `NAME.key` per host (ConfigMap items). */
  allowDir: '/etc/starling/allow',
  /** The public key of the server or coordinator, as hosts read it for `--server-key`. */
  serverKey: '/etc/starling/server.key',
  /** The pod's own secret key (`NAME.key_secret`, from Secrets). */
  secretDir: '/etc/starling/secret',
  /** The working directory: the run folder lands in `runs/<name>-<time>/` under it (a PersistentVolumeClaim). */
  runsDir: '/var/lib/starling',
} as const;

/** The parameter server's and the gossip coordinator's port. */
export const SERVER_PORT = 7000;
/** A gossip peer host's inbox port. */
export const GOSSIP_PORT = 7001;
/** The non-root uid and gid of the image's `starling` user. */
export const RUN_AS = 10001;

/** The key name (host id) of the server or coordinator. */
export const SERVER_KEY_NAME = 'server';

/** The key name (host id) of host `index` (0-based) of a run: `worker-3`, `peer-0`. */
export function hostKeyName(role: 'worker' | 'peer', index: number): string {
  return `${role}-${index}`;
}
