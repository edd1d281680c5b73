/** Everything the manifests of one deployed run are rendered from, resolved and checked. */
export interface K8sPlan {
  /** Prefix of every object's name and the `app.kubernetes.io/instance` label (a DNS label). */
  readonly instance: string;
  readonly family: 'federated' | 'gossip';
  readonly image: string;
  /** Worker (federated) or peer (gossip) host pods. */
  readonly hosts: number;
  /** Training threads per host pod (`--threads`, and its CPU request). */
  readonly threads: number;
  /** The config's file name inside the config ConfigMap (keeps its extension: .yaml, .yml or .json). */
  readonly configFile: string;
  /** `runtime.hostWaitS` of the config, passed as `starling server --host-wait-s`. */
  readonly hostWaitS: number;
  readonly memory: { readonly coordinatorMb: number; readonly hostMb: number };
  /** Size of the run folder's PersistentVolumeClaim (a quantity: `1Gi`). */
  readonly storage: string;
}

/** The names of a run's objects, derived from its instance name. */
export function objectNames(instance: string) {
  return {
    config: `${instance}-config`,
    publicKeys: `${instance}-public-keys`,
    runs: `${instance}-runs`,
    /** The server's (federated) or coordinator's (gossip) Job and Service. */
    coordinator: (family: 'federated' | 'gossip') => `${instance}-${family === 'federated' ? 'server' : 'coordinator'}`,
    workers: `${instance}-worker`,
    peers: `${instance}-peer`,
    peersService: `${instance}-peers`,
    /** The Secret holding the secret key of host `keyName`. */
    keySecret: (keyName: string) => `${instance}-key-${keyName}`,
  };
}
