import { GOSSIP_PORT, hostKeyName, POD_LAYOUT, SERVER_KEY_NAME, SERVER_PORT } from './k8s-layout.js';
import { type K8sObject, labels, selector, service } from './k8s-objects.js';
import { type K8sPlan, objectNames } from './k8s-plan.js';
import {
  type FieldEnv,
  podTemplate,
  publicKeyMount,
  publicKeysVolume,
  SECRET_KEYS_MOUNT,
  secretKeysVolume,
} from './k8s-pods.js';

/** The environment variable holding a host pod's index (0-based), from which its key is chosen. */
export const INDEX_ENV = 'STARLING_HOST_INDEX';
const POD_NAME_ENV = 'STARLING_POD_NAME';
/** Where Kubernetes writes a pod's index: the Indexed Job's completion index, the StatefulSet's ordinal (1.28+). */
const INDEX_FIELD = {
  worker: "metadata.annotations['batch.kubernetes.io/job-completion-index']",
  peer: "metadata.labels['apps.kubernetes.io/pod-index']",
} as const;

/** The key names (host ids) of a run's host pods: `worker-0` … or `peer-0` …. */
export function hostKeyNames(plan: Pick<K8sPlan, 'family' | 'hosts'>): string[] {
  const role = plan.family === 'federated' ? 'worker' : 'peer';
  return Array.from({ length: plan.hosts }, (_, i) => hostKeyName(role, i));
}

/**
 * `starling worker` / `starling peer` arguments of a host pod. `$(STARLING_HOST_INDEX)` and
 * `$(STARLING_POD_NAME)` are expanded by Kubernetes from the pod's env, so pod i loads key `worker-i`
 * (its host id) and a peer advertises its own DNS name under the headless Service.
 */
export function hostArgs(plan: K8sPlan): string[] {
  const names = objectNames(plan.instance);
  const role = plan.family === 'federated' ? 'worker' : 'peer';
  const connect = `tcp://${names.coordinator(plan.family)}:${SERVER_PORT}`;
  const gossip =
    role === 'peer'
      ? [
          '--bind',
          `tcp://0.0.0.0:${GOSSIP_PORT}`,
          '--advertise',
          `tcp://$(${POD_NAME_ENV}).${names.peersService}:${GOSSIP_PORT}`,
        ]
      : [];
  return [
    role,
    '--connect',
    connect,
    ...gossip,
    '--key',
    `${POD_LAYOUT.secretDir}/${role}-$(${INDEX_ENV}).key_secret`,
    '--server-key',
    POD_LAYOUT.serverKey,
    '--threads',
    String(plan.threads),
  ];
}

function hostTemplate(plan: K8sPlan, restartPolicy: 'OnFailure' | 'Always'): Record<string, unknown> {
  const names = objectNames(plan.instance);
  const role = plan.family === 'federated' ? 'worker' : 'peer';
  const env: FieldEnv[] = [{ name: INDEX_ENV, fieldPath: INDEX_FIELD[role] }];
  if (role === 'peer') env.push({ name: POD_NAME_ENV, fieldPath: 'metadata.name' });
  const secrets = new Map(hostKeyNames(plan).map((k) => [names.keySecret(k), `${k}.key_secret`]));
  return podTemplate({
    instance: plan.instance,
    component: role,
    image: plan.image,
    args: hostArgs(plan),
    env,
    port: role === 'peer' ? { name: 'gossip', port: GOSSIP_PORT } : null,
    volumes: [publicKeysVolume(names.publicKeys, [`${SERVER_KEY_NAME}.key`]), secretKeysVolume(secrets)],
    mounts: [publicKeyMount(`${SERVER_KEY_NAME}.key`, POD_LAYOUT.serverKey), SECRET_KEYS_MOUNT],
    memoryMb: plan.memory.hostMb,
    cpu: plan.threads,
    restartPolicy,
  });
}

/**
 * The worker hosts of a parameter-server run: an Indexed Job of `plan.hosts` pods, all started at
 * once (parallelism = completions = hosts); a pod that fails restarts in place (up to `hosts` times in
 * all) and takes its own host id back.
 */
export function workerObjects(plan: K8sPlan): K8sObject[] {
  const name = objectNames(plan.instance).workers;
  const job: K8sObject = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, labels: labels(plan.instance, 'worker') },
    spec: {
      completionMode: 'Indexed',
      completions: plan.hosts,
      parallelism: plan.hosts,
      backoffLimit: plan.hosts,
      template: hostTemplate(plan, 'OnFailure'),
    },
  };
  return [job];
}

/**
 * The peer hosts of a gossip run: a StatefulSet of `plan.hosts` pods started in parallel, behind a
 * headless Service that gives each its DNS name (`<instance>-peer-3.<instance>-peers`), which it
 * advertises to the others as its gossip address.
 */
export function peerObjects(plan: K8sPlan): K8sObject[] {
  const names = objectNames(plan.instance);
  const headless = service(names.peersService, plan.instance, 'peer', { name: 'gossip', port: GOSSIP_PORT }, true);
  const set: K8sObject = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: names.peers, labels: labels(plan.instance, 'peer') },
    spec: {
      serviceName: names.peersService,
      replicas: plan.hosts,
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: selector(plan.instance, 'peer') },
      template: hostTemplate(plan, 'Always'),
    },
  };
  return [headless, set];
}
