import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { errors } from '@starling/core';
import { applyOverride, configBaseDir, manifestsYaml, readConfigFile, renderK8s } from '@starling/runner';

/** The flags of `starling deploy k8s`. */
export interface DeployK8sOptions {
  readonly config: string;
  readonly workers: number;
  readonly image: string;
  readonly keys: string;
  readonly out?: string;
  readonly threads: number;
  readonly storage: string;
  readonly name?: string;
  readonly set: readonly string[];
  readonly force: boolean;
}

/** The config as it goes into the ConfigMap: the file as written, or the overridden config as JSON. */
function configSource(args: DeployK8sOptions): { config: unknown; text: string; file: string } {
  let config = readConfigFile(args.config);
  const file = basename(args.config);
  if (args.set.length === 0) return { config, text: readFileSync(args.config, 'utf8'), file };
  for (const o of args.set) config = applyOverride(config, o);
  // JSON is YAML too; the .json name tells the pod's `starling server` how to parse it.
  return { config, text: `${JSON.stringify(config, null, 2)}\n`, file: `${basename(file, extname(file))}.json` };
}

function checkOut(dir: string, force: boolean): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw errors.usage(`--out ${dir} is not a folder`);
  if (!force && existsSync(dir) && readdirSync(dir).length > 0) {
    throw errors.usage(`--out ${dir} is not empty (pass --force to overwrite the manifests in it)`);
  }
}

/** The `starling deploy k8s` handler: config and keys → manifests on stdout or in `--out`. */
export async function deployK8s(args: DeployK8sOptions): Promise<void> {
  const out = args.out === undefined ? undefined : resolve(args.out);
  if (out !== undefined) checkOut(out, args.force);
  const src = configSource(args);
  const { plan, objects } = renderK8s({
    config: src.config,
    configText: src.text,
    configFile: src.file,
    baseDir: configBaseDir(args.config),
    workers: args.workers,
    keysDir: resolve(args.keys),
    image: args.image,
    name: args.name,
    threads: args.threads,
    storage: args.storage,
  });
  if (out === undefined) {
    process.stdout.write(manifestsYaml(objects));
    return;
  }
  mkdirSync(out, { recursive: true });
  const secrets = objects.filter((o) => o.kind === 'Secret');
  const rest = objects.filter((o) => o.kind !== 'Secret');
  writeFileSync(join(out, 'manifests.yaml'), manifestsYaml(rest));
  writeFileSync(join(out, 'secrets.yaml'), manifestsYaml(secrets), { mode: 0o600 });
  chmodSync(join(out, 'secrets.yaml'), 0o600);
  const role = plan.family === 'federated' ? 'worker' : 'peer';
  process.stderr.write(
    `wrote ${out}/manifests.yaml (${rest.length} objects) and ${out}/secrets.yaml (${secrets.length} Secrets, mode 0600)\n` +
      `  ${plan.instance}: ${plan.family}, 1 ${role === 'worker' ? 'server' : 'coordinator'} pod (${plan.memory.coordinatorMb} Mi) + ` +
      `${plan.hosts} ${role} pods (${plan.memory.hostMb} Mi, ${plan.threads} CPU each), image ${plan.image}\n` +
      `  apply with: kubectl apply -f ${out}\n`,
  );
}
