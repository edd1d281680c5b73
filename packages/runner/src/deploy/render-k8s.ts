import { extname } from 'node:path';
import { errors } from '@starling/core';
import { stringify } from 'yaml';
import { validateConfig } from '../config/load.js';
import type { ExperimentConfig } from '../config/schema.js';
import { ALGORITHMS } from '../drivers/algorithms.js';
import { readHostKeys } from './host-keys.js';
import { coordinatorObjects } from './k8s-coordinator.js';
import { hostKeyNames, peerObjects, workerObjects } from './k8s-hosts.js';
import { SERVER_KEY_NAME } from './k8s-layout.js';
import { configMap, type K8sObject, secret, volumeClaim } from './k8s-objects.js';
import { type K8sPlan, objectNames } from './k8s-plan.js';
import { podMemory } from './pod-memory.js';

/** What `starling deploy k8s` renders manifests from. */
export interface K8sDeployOptions {
  /** The experiment config as parsed from its file (overrides applied); validated here. */
  readonly config: unknown;
  /** The config's text, as it goes into the config ConfigMap. */
  readonly configText: string;
  /** The config's file name (its extension tells the pods' `starling server` how to parse it). */
  readonly configFile: string;
  /** Folder the config's relative data paths resolve against (the config file's folder). */
  readonly baseDir: string;
  /** Worker (federated) or peer (gossip) host pods, at least 1. */
  readonly workers: number;
  /** Folder of `starling keys generate` output: `server`, and `worker-i` or `peer-i` for each host. */
  readonly keysDir: string;
  /** Container image (default `starling:latest`). */
  readonly image?: string;
  /** Instance name: prefix of every object (default `starling-<config name>`). */
  readonly name?: string;
  /** Training threads per host pod, also its CPU request (default 1). */
  readonly threads?: number;
  /** Size of the run folder's volume claim (default `1Gi`). */
  readonly storage?: string;
}

/** The rendered manifests and the plan they came from. */
export interface K8sManifests {
  readonly plan: K8sPlan;
  readonly objects: readonly K8sObject[];
}

const DNS_LABEL = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

function instanceName(option: string | undefined, configName: string): string {
  if (option !== undefined) {
    if (!DNS_LABEL.test(option)) {
      throw errors.usage(`--name must be a DNS label of at most 40 characters (a-z, 0-9, -), got "${option}"`);
    }
    return option;
  }
  const slug = configName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+/, '');
  return `starling-${slug}`.slice(0, 40).replace(/-+$/, '');
}

function positiveInt(flag: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw errors.usage(`${flag} must be an integer >= 1, got ${value}`);
  return value;
}

/** Checks the options and the config (cheap checks first: nothing is loaded yet). */
function planFor(o: K8sDeployOptions): { plan: Omit<K8sPlan, 'memory'>; cfg: ExperimentConfig } {
  const hosts = positiveInt('--workers', o.workers);
  const threads = positiveInt('--threads', o.threads ?? 1);
  const cfg = validateConfig(o.config, o.configFile);
  if (cfg.runtime.kind !== 'cluster') {
    throw errors.option(
      'runtime.kind',
      'cluster for `starling deploy k8s` (the manifests run `starling server` and one `starling worker` or ' +
        "`starling peer` per pod over CURVE): set `runtime: {kind: cluster}` in the config or add --set 'runtime={kind: cluster}'",
      cfg.runtime.kind,
    );
  }
  const storage = o.storage ?? '1Gi';
  if (!QUANTITY.test(storage))
    throw errors.usage(`--storage must be a Kubernetes quantity such as 1Gi, got "${storage}"`);
  const image = o.image ?? 'starling:latest';
  if (image.trim() === '' || /\s/.test(image)) throw errors.usage(`--image must be an image reference, got "${image}"`);
  const family = ALGORITHMS[cfg.algorithm.kind].family;
  const ext = extname(o.configFile);
  const plan = {
    instance: instanceName(o.name, cfg.name),
    family,
    image,
    hosts,
    threads,
    configFile: CONFIG_KEY.test(o.configFile) ? o.configFile : `config${ext === '.json' ? '.json' : '.yaml'}`,
    hostWaitS: cfg.runtime.hostWaitS,
    storage,
  };
  return { plan, cfg };
}

/**
 * Renders the Kubernetes manifests of a cluster run (docs/deploy.md): the config in a ConfigMap, every
 * host's public key in one ConfigMap (the allow-list), each secret key in its own Secret, the run
 * folder's PersistentVolumeClaim, the parameter server (federated) or coordinator (gossip) as a Job
 * with a Service, and the hosts as an Indexed Job of workers or a StatefulSet of peers behind a
 * headless Service. Memory requests come from the run's pre-flight estimate ({@link podMemory}).
 * Bad options, a config that is invalid or not for the `cluster` runtime, and a missing or malformed
 * key are StarlingErrors with exit code 2.
 */
export function renderK8s(o: K8sDeployOptions): K8sManifests {
  const checked = planFor(o);
  const hostNames = hostKeyNames(checked.plan);
  const keys = [SERVER_KEY_NAME, ...hostNames].map((n) => readHostKeys(o.keysDir, n));
  const { family, hosts, threads } = checked.plan;
  const plan: K8sPlan = { ...checked.plan, memory: podMemory(checked.cfg, family, o.baseDir, hosts, threads) };
  const names = objectNames(plan.instance);
  const objects: K8sObject[] = [
    configMap(names.config, plan.instance, { [plan.configFile]: o.configText }),
    configMap(names.publicKeys, plan.instance, Object.fromEntries(keys.map((k) => [`${k.name}.key`, k.publicText]))),
    ...keys.map((k) => secret(names.keySecret(k.name), plan.instance, `${k.name}.key_secret`, k.secretText)),
    volumeClaim(names.runs, plan.instance, plan.storage),
    ...coordinatorObjects(plan, hostNames),
    ...(plan.family === 'federated' ? workerObjects(plan) : peerObjects(plan)),
  ];
  return { plan, objects };
}

/** The objects as one multi-document YAML stream (`kubectl apply -f -`), long strings unfolded. */
export function manifestsYaml(objects: readonly K8sObject[]): string {
  return objects.map((obj) => stringify(obj, { lineWidth: 0 })).join('---\n');
}
