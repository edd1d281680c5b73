import { POD_LAYOUT, SERVER_KEY_NAME, SERVER_PORT } from './k8s-layout.js';
import { type K8sObject, labels, service } from './k8s-objects.js';
import { type K8sPlan, objectNames } from './k8s-plan.js';
import { podTemplate, publicKeyMount, publicKeysVolume, SECRET_KEYS_MOUNT, secretKeysVolume } from './k8s-pods.js';

/**
 * `starling server` arguments of the run's parameter server or gossip coordinator: the config from its
 * ConfigMap, listening on every interface with CURVE (`--key` its secret key, `--allow` the hosts'
 * public keys), waiting for `plan.hosts` hosts, the summary as JSON on stdout (`kubectl logs`).
 */
export function serverArgs(plan: K8sPlan): string[] {
  return [
    'server',
    `${POD_LAYOUT.configDir}/${plan.configFile}`,
    '--bind',
    `tcp://*:${SERVER_PORT}`,
    '--hosts',
    String(plan.hosts),
    '--host-wait-s',
    String(plan.hostWaitS),
    '--key',
    `${POD_LAYOUT.secretDir}/${SERVER_KEY_NAME}.key_secret`,
    '--allow',
    POD_LAYOUT.allowDir,
    '--json',
    '--quiet',
  ];
}

/**
 * The coordinating side of a run: a Service on port {@link SERVER_PORT} and a Job (one pod, never
 * restarted: a second attempt would find the run folder taken) running {@link serverArgs}, with the
 * config, each host's public key as a file of the allow-list folder, its own secret key and the run
 * folder's claim mounted. `hostKeyNames` are the hosts it admits.
 */
export function coordinatorObjects(plan: K8sPlan, hostKeyNames: readonly string[]): K8sObject[] {
  const names = objectNames(plan.instance);
  const name = names.coordinator(plan.family);
  const component = plan.family === 'federated' ? 'server' : 'coordinator';
  const allowFiles = hostKeyNames.map((h) => `${h}.key`);
  const secretFile = `${SERVER_KEY_NAME}.key_secret`;
  const template = podTemplate({
    instance: plan.instance,
    component,
    image: plan.image,
    args: serverArgs(plan),
    env: [],
    port: { name: 'zmq', port: SERVER_PORT },
    volumes: [
      { name: 'config', configMap: { name: names.config } },
      publicKeysVolume(names.publicKeys, allowFiles),
      secretKeysVolume(new Map([[names.keySecret(SERVER_KEY_NAME), secretFile]])),
      { name: 'runs', persistentVolumeClaim: { claimName: names.runs } },
    ],
    mounts: [
      { name: 'config', mountPath: POD_LAYOUT.configDir, readOnly: true },
      ...allowFiles.map((f) => publicKeyMount(f, `${POD_LAYOUT.allowDir}/${f}`)),
      SECRET_KEYS_MOUNT,
      { name: 'runs', mountPath: POD_LAYOUT.runsDir },
    ],
    memoryMb: plan.memory.coordinatorMb,
    cpu: 1,
    restartPolicy: 'Never',
  });
  const job: K8sObject = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, labels: labels(plan.instance, component) },
    spec: { backoffLimit: 0, template },
  };
  return [service(name, plan.instance, component, { name: 'zmq', port: SERVER_PORT }, false), job];
}
