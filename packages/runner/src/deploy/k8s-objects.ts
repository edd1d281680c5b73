/** A Kubernetes object as rendered: plain data, serialized to YAML as is. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels: Readonly<Record<string, string>> };
  readonly [field: string]: unknown;
}

/** The recommended `app.kubernetes.io/*` labels of one component of a deployed run. */
export function labels(instance: string, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'starling',
    'app.kubernetes.io/instance': instance,
    'app.kubernetes.io/component': component,
  };
}

/** The labels a Service selects pods of `component` by. */
export function selector(instance: string, component: string): Record<string, string> {
  return { 'app.kubernetes.io/instance': instance, 'app.kubernetes.io/component': component };
}

/** A ConfigMap holding `data` (file name → text). */
export function configMap(name: string, instance: string, data: Record<string, string>): K8sObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: labels(instance, 'config') }, data };
}

/** An Opaque Secret holding one file (`file` → text, base64 in `data`). */
export function secret(name: string, instance: string, file: string, text: string): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, labels: labels(instance, 'key') },
    type: 'Opaque',
    data: { [file]: Buffer.from(text, 'utf8').toString('base64') },
  };
}

/** A ReadWriteOnce PersistentVolumeClaim of `storage` (a quantity such as `1Gi`). */
export function volumeClaim(name: string, instance: string, storage: string): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, labels: labels(instance, 'runs') },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } },
  };
}

/**
 * A Service on one TCP port for the pods of `component`; `headless` gives every pod its own DNS name
 * (`<pod>.<service>`), also before it is ready, as gossip peers need to reach each other.
 */
export function service(
  name: string,
  instance: string,
  component: string,
  port: { readonly name: string; readonly port: number },
  headless: boolean,
): K8sObject {
  const spec = {
    ...(headless ? { clusterIP: 'None', publishNotReadyAddresses: true } : {}),
    selector: selector(instance, component),
    ports: [{ name: port.name, port: port.port, targetPort: port.port, protocol: 'TCP' }],
  };
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, labels: labels(instance, component) }, spec };
}
