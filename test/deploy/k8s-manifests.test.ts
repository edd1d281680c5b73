// biome-ignore-all lint/suspicious/noExplicitAny: the test walks rendered manifests as untyped JSON, as kubectl reads them
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manifestsYaml, readConfigFile, renderK8s, runExperiment } from '@starling/runner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { peerCommand } from '../../packages/cli/src/commands/peer.js';
import { serverCommand } from '../../packages/cli/src/commands/server.js';
import { workerCommand } from '../../packages/cli/src/commands/worker.js';
import { repo } from '../cli/cli-helpers.js';
import { CONTRACT_FLAGS, makeKeysDir, parseWithCommand, validateManifest } from './fixtures.js';

type Obj = Record<string, any>;

/** A shipped experiment set up for the cluster runtime, one round (the memory estimate does not depend on rounds). */
function clusterConfig(file: string, algorithm: Record<string, unknown> = {}): Record<string, any> {
  const raw = readConfigFile(join(repo, 'experiments', file)) as Record<string, any>;
  return { ...raw, algorithm: { ...raw.algorithm, rounds: 1, ...algorithm }, runtime: { kind: 'cluster' } };
}

const CASES = [
  { family: 'federated', file: 'fedavg-mnist-iid.yaml', role: 'worker', hosts: 3, threads: 2, extra: {} },
  { family: 'gossip', file: 'dpsgd-ring-16.yaml', role: 'peer', hosts: 4, threads: 1, extra: { peers: 8 } },
] as const;

function find(objects: readonly Obj[], kind: string, component: string): Obj {
  const o = objects.find((x) => x.kind === kind && x.metadata.labels['app.kubernetes.io/component'] === component);
  if (!o) throw new Error(`no ${kind} of component ${component}`);
  return o;
}

function byName(objects: readonly Obj[], kind: string, name: string): Obj {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`the manifests reference ${kind} ${name}, which they do not define`);
  return o;
}

/** The file a path in the container resolves to: [volume, key in its source object, or a subPath]. */
function mountedFile(pod: Obj, path: string): { volume: Obj; file: string } {
  const c = pod.spec.containers[0];
  for (const m of c.volumeMounts) {
    const volume = pod.spec.volumes.find((v: Obj) => v.name === m.name);
    if (m.subPath !== undefined && m.mountPath === path) return { volume, file: m.subPath };
    if (m.subPath === undefined && path.startsWith(`${m.mountPath}/`)) {
      return { volume, file: path.slice(m.mountPath.length + 1) };
    }
  }
  throw new Error(`nothing is mounted at ${path}`);
}

/** The text of the file a pod sees at `path`, read from the ConfigMap or Secret behind its volume. */
function fileText(objects: readonly Obj[], pod: Obj, path: string): string {
  const { volume, file } = mountedFile(pod, path);
  if (volume.configMap) {
    const item = (volume.configMap.items ?? [{ key: file, path: file }]).find((i: Obj) => i.path === file);
    expect(item, `${path} is an item of ConfigMap ${volume.configMap.name}`).toBeDefined();
    return byName(objects, 'ConfigMap', volume.configMap.name).data[item.key];
  }
  for (const src of volume.projected?.sources ?? []) {
    const item = src.secret.items.find((i: Obj) => i.path === file);
    if (item) return Buffer.from(byName(objects, 'Secret', src.secret.name).data[item.key], 'base64').toString('utf8');
  }
  throw new Error(`${path} is not a file of volume ${volume.name}`);
}

/** Kubernetes' $(VAR) expansion of container args, with the values a given pod gets. */
function expand(args: readonly string[], env: Record<string, string>): string[] {
  return args.map((a) => a.replace(/\$\(([A-Z_]+)\)/g, (_, v: string) => env[v] ?? `$(${v})`));
}

describe.each(CASES)('starling deploy k8s: $family config', (c) => {
  const names = [
    c.role === 'worker' ? 'server' : 'server',
    ...Array.from({ length: c.hosts }, (_, i) => `${c.role}-${i}`),
  ];
  let keys: ReturnType<typeof makeKeysDir>;
  let objects: Obj[];
  let plan: ReturnType<typeof renderK8s>['plan'];
  const config = clusterConfig(c.file, c.extra);

  beforeAll(() => {
    keys = makeKeysDir(names);
    const rendered = renderK8s({
      config,
      configText: `${JSON.stringify(config, null, 2)}\n`,
      configFile: 'experiment.json',
      baseDir: join(repo, 'experiments'),
      workers: c.hosts,
      threads: c.threads,
      keysDir: keys.dir,
      image: 'registry.example/starling:0.1.0',
    });
    plan = rendered.plan;
    // What kubectl reads: the YAML stream, parsed back.
    objects = parseAllDocuments(manifestsYaml(rendered.objects)).map((d) => d.toJS() as Obj);
  });
  afterAll(() => keys.remove());

  it('every manifest validates against the Kubernetes schemas, and a broken one does not', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(
      [
        'ConfigMap',
        'ConfigMap',
        'PersistentVolumeClaim',
        'Service',
        'Job',
        ...names.map(() => 'Secret'),
        ...(c.role === 'worker' ? ['Job'] : ['Service', 'StatefulSet']),
      ].sort(),
    );
    for (const o of objects) validateManifest(o);
    const hosts = find(objects, c.role === 'worker' ? 'Job' : 'StatefulSet', c.role);
    const broken = structuredClone(hosts);
    broken.spec.template.spec.containers[0].resources.requests.memory = 'lots';
    expect(() => validateManifest(broken)).toThrow(/memory/);
  });

  it('runs the hosts as an Indexed Job of N workers or a StatefulSet of N peers behind a headless Service', () => {
    if (c.role === 'worker') {
      const job = find(objects, 'Job', 'worker');
      expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: c.hosts, parallelism: c.hosts });
    } else {
      const set = find(objects, 'StatefulSet', 'peer');
      const headless = byName(objects, 'Service', set.spec.serviceName);
      expect(set.spec.replicas).toBe(c.hosts);
      expect(headless.spec.clusterIP).toBe('None');
      expect(set.spec.selector.matchLabels).toEqual(headless.spec.selector);
    }
    const job = find(objects, 'Job', c.role === 'worker' ? 'server' : 'coordinator');
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
  });

  it('references only Secrets, ConfigMaps and claims the manifests define, with the keys they hold', () => {
    for (const pod of objects.filter((o) => o.spec?.template).map((o) => o.spec.template)) {
      const volumes = new Set(pod.spec.volumes.map((v: Obj) => v.name));
      for (const m of pod.spec.containers[0].volumeMounts) expect(volumes).toContain(m.name);
      for (const v of pod.spec.volumes) {
        if (v.configMap) {
          const cm = byName(objects, 'ConfigMap', v.configMap.name);
          for (const item of v.configMap.items ?? []) expect(Object.keys(cm.data)).toContain(item.key);
        }
        for (const src of v.projected?.sources ?? []) {
          const s = byName(objects, 'Secret', src.secret.name);
          for (const item of src.secret.items) expect(Object.keys(s.data)).toContain(item.key);
        }
        if (v.persistentVolumeClaim) byName(objects, 'PersistentVolumeClaim', v.persistentVolumeClaim.claimName);
      }
      expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001 });
    }
  });

  it("gives `starling server` arguments its own flags parse: the config, --hosts N, its key and the hosts' public keys", async () => {
    const job = find(objects, 'Job', c.role === 'worker' ? 'server' : 'coordinator');
    const pod = job.spec.template;
    const { args } = await parseWithCommand(serverCommand, pod.spec.containers[0].args, CONTRACT_FLAGS.server);
    expect(args.hosts).toBe(c.hosts);
    const served = JSON.parse(fileText(objects, pod, String(args.config)));
    expect(served).toEqual(config);
    const secret = JSON.parse(fileText(objects, pod, String(args.key)));
    expect(secret).toEqual(JSON.parse(readFileSync(join(keys.dir, 'server.key_secret'), 'utf8')));
    const allowed = pod.spec.containers[0].volumeMounts
      .filter((m: Obj) => m.mountPath.startsWith(`${args.allow}/`))
      .map((m: Obj) => JSON.parse(fileText(objects, pod, m.mountPath)).name);
    expect(allowed.sort()).toEqual(names.slice(1).sort());
    const port = Number(/:(\d+)$/.exec(String(args.bind))?.[1]);
    expect(pod.spec.containers[0].ports[0].containerPort).toBe(port);
    const svc = byName(objects, 'Service', job.metadata.name);
    expect(svc.spec.ports[0].targetPort).toBe(port);
    expect(svc.spec.selector).toEqual(
      Object.fromEntries(Object.entries(pod.metadata.labels).filter(([k]) => k in svc.spec.selector)),
    );
  });

  it('gives host pod i the arguments of `starling worker`/`peer` with key i, the server key and --threads', async () => {
    const owner = find(objects, c.role === 'worker' ? 'Job' : 'StatefulSet', c.role);
    const pod = owner.spec.template;
    const coordinator = find(objects, 'Service', c.role === 'worker' ? 'server' : 'coordinator');
    const container = pod.spec.containers[0];
    const cmd = c.role === 'worker' ? workerCommand : peerCommand;
    for (const i of [0, c.hosts - 1]) {
      const podName = `${owner.metadata.name}-${i}`;
      const env = { STARLING_HOST_INDEX: String(i), STARLING_POD_NAME: podName };
      for (const e of container.env)
        expect(e.valueFrom.fieldRef.fieldPath).toMatch(/job-completion-index|pod-index|metadata\.name/);
      const { args } = await parseWithCommand(cmd, expand(container.args, env), CONTRACT_FLAGS[c.role]);
      expect(args.connect).toBe(`tcp://${coordinator.metadata.name}:${coordinator.spec.ports[0].port}`);
      expect(args.threads).toBe(c.threads);
      expect(args.hostId).toBeUndefined(); // the host id is the key's name
      const own = JSON.parse(fileText(objects, pod, String(args.key)));
      expect(own).toEqual(JSON.parse(readFileSync(join(keys.dir, `${c.role}-${i}.key_secret`), 'utf8')));
      const serverKey = JSON.parse(fileText(objects, pod, String(args.serverKey)));
      expect(serverKey).toEqual(JSON.parse(readFileSync(join(keys.dir, 'server.key'), 'utf8')));
      if (c.role === 'peer') {
        const headless = find(objects, 'Service', 'peer');
        expect(args.advertise).toBe(`tcp://${podName}.${headless.metadata.name}:${headless.spec.ports[0].port}`);
        expect(String(args.bind)).toMatch(new RegExp(`:${headless.spec.ports[0].port}$`));
      }
    }
  });

  it("requests the coordinator's memory as the run's meta.json estimate, and more per host thread", async () => {
    const out = mkdtempSync(join(tmpdir(), 'starling-deploy-meta-'));
    try {
      await runExperiment({ ...config, runtime: { kind: 'inline' } }, { out: join(out, 'run'), baseDir: repo });
      const meta = JSON.parse(readFileSync(join(out, 'run', 'meta.json'), 'utf8'));
      const coordinator = find(objects, 'Job', c.role === 'worker' ? 'server' : 'coordinator');
      const requests = coordinator.spec.template.spec.containers[0].resources.requests;
      expect(requests.memory).toBe(`${meta.memory.estimate_mb}Mi`);
      expect(plan.memory.coordinatorMb).toBe(meta.memory.estimate_mb);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    const host = find(objects, c.role === 'worker' ? 'Job' : 'StatefulSet', c.role).spec.template.spec.containers[0];
    expect(host.resources.requests).toEqual({ cpu: String(c.threads), memory: `${plan.memory.hostMb}Mi` });
    // At least the process and its pool threads (160 MB + 60 MB each in the estimate).
    expect(plan.memory.hostMb).toBeGreaterThanOrEqual(160 + 60 * c.threads);
    const more = renderK8s({
      config,
      configText: '{}',
      configFile: 'experiment.json',
      baseDir: repo,
      workers: c.hosts,
      threads: c.threads + 1,
      keysDir: keys.dir,
    });
    expect(more.plan.memory.hostMb).toBeGreaterThan(plan.memory.hostMb + 60);
    expect(more.plan.memory.coordinatorMb).toBe(plan.memory.coordinatorMb);
  });
});
