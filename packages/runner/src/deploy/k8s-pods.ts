import { POD_LAYOUT, RUN_AS } from './k8s-layout.js';
import { labels } from './k8s-objects.js';

/** A container's environment variable read from the pod's own metadata (the downward API). */
export interface FieldEnv {
  readonly name: string;
  /** e.g. `metadata.name`, `metadata.labels['apps.kubernetes.io/pod-index']`. */
  readonly fieldPath: string;
}

/** What differs between Starling's pods; everything else (user, hardening, /tmp) is the same. */
export interface PodSpecInput {
  readonly instance: string;
  readonly component: string;
  readonly image: string;
  /** Arguments to the image's ENTRYPOINT (the `starling` CLI): `['worker', '--connect', ...]`. */
  readonly args: readonly string[];
  readonly env: readonly FieldEnv[];
  readonly port: { readonly name: string; readonly port: number } | null;
  readonly volumes: readonly Record<string, unknown>[];
  readonly mounts: readonly Record<string, unknown>[];
  /** Memory request in MB (2^20 bytes, `Mi`). */
  readonly memoryMb: number;
  /** CPU request in cores. */
  readonly cpu: number;
  readonly restartPolicy: 'Never' | 'OnFailure' | 'Always';
}

/**
 * A pod template running one Starling container as the image's non-root user (uid/gid {@link RUN_AS};
 * `fsGroup` makes the mounted key files group-readable to it, mode 0440), with no service-account
 * token, no privilege escalation, every capability dropped, a read-only root file system and an
 * emptyDir on /tmp. Requests are set (scheduling); no limits (the estimate is an upper-bound model,
 * and a limit turns a wrong guess into an OOM kill mid-run).
 */
export function podTemplate(p: PodSpecInput): Record<string, unknown> {
  const container = {
    name: p.component,
    image: p.image,
    args: [...p.args],
    ...(p.env.length > 0
      ? { env: p.env.map((e) => ({ name: e.name, valueFrom: { fieldRef: { fieldPath: e.fieldPath } } })) }
      : {}),
    ...(p.port ? { ports: [{ name: p.port.name, containerPort: p.port.port, protocol: 'TCP' }] } : {}),
    workingDir: POD_LAYOUT.runsDir,
    resources: { requests: { cpu: String(p.cpu), memory: `${p.memoryMb}Mi` } },
    volumeMounts: [...p.mounts, { name: 'tmp', mountPath: '/tmp' }],
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
  };
  return {
    metadata: { labels: labels(p.instance, p.component) },
    spec: {
      restartPolicy: p.restartPolicy,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: RUN_AS,
        runAsGroup: RUN_AS,
        fsGroup: RUN_AS,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [container],
      volumes: [...p.volumes, { name: 'tmp', emptyDir: {} }],
    },
  };
}

/** Mode of mounted key files: owner and group (the pod's fsGroup) read, nobody else. */
export const KEY_FILE_MODE = 0o440;

/** A volume of the public keys ConfigMap `configMap`, limited to `files`. */
export function publicKeysVolume(configMap: string, files: readonly string[]): Record<string, unknown> {
  return { name: 'public-keys', configMap: { name: configMap, items: files.map((f) => ({ key: f, path: f })) } };
}

/** Mounts public key `file` of the `public-keys` volume at `path` (a plain file: subPath). */
export function publicKeyMount(file: string, path: string): Record<string, unknown> {
  return { name: 'public-keys', mountPath: path, subPath: file, readOnly: true };
}

/** A volume of secret key files, one Secret each (`secrets`: Secret name → file name). */
export function secretKeysVolume(secrets: ReadonlyMap<string, string>): Record<string, unknown> {
  const sources = [...secrets].map(([name, file]) => ({ secret: { name, items: [{ key: file, path: file }] } }));
  return { name: 'keys', projected: { defaultMode: KEY_FILE_MODE, sources } };
}

/** Mounts the `keys` volume read-only at the pod layout's secret folder. */
export const SECRET_KEYS_MOUNT: Record<string, unknown> = {
  name: 'keys',
  mountPath: POD_LAYOUT.secretDir,
  readOnly: true,
};
