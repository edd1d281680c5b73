import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import type { Argv, CommandModule } from 'yargs';
import yargs from 'yargs';
import { curveKeyPair } from 'zeromq';

/**
 * Writes real CURVE key pairs (libzmq's) for `names` in the format of `starling keys generate`
 * (docs/deploy.md; the issue 14 contract): `NAME.key` public, `NAME.key_secret` mode 0600.
 */
export function makeKeysDir(names: readonly string[]): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'starling-keys-'));
  for (const name of names) {
    const { publicKey, secretKey } = curveKeyPair();
    writeFileSync(join(dir, `${name}.key`), `${JSON.stringify({ starling: 'curve-key', name, public: publicKey })}\n`);
    const file = join(dir, `${name}.key_secret`);
    writeFileSync(file, `${JSON.stringify({ starling: 'curve-key', name, public: publicKey, secret: secretKey })}\n`);
    chmodSync(file, 0o600);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const MODELS: Record<string, new () => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Service': Service,
  'batch/v1/Job': Job,
  'apps/v1/StatefulSet': StatefulSet,
};

/** Validates one manifest against the Kubernetes OpenAPI schema (npm kubernetes-models); throws on a violation. */
export function validateManifest(obj: { apiVersion: string; kind: string }): void {
  const Model = MODELS[`${obj.apiVersion}/${obj.kind}`];
  if (!Model) throw new Error(`no schema for ${obj.apiVersion}/${obj.kind}`);
  // An empty model carries apiVersion and kind; the rendered fields go on top, then the schema check.
  Object.assign(new Model(), obj).validate();
}

/**
 * Flags of the issue 14 contract (docs/deploy.md) that another branch adds to `starling server`,
 * `starling worker` and `starling peer`. A flag the command defines already is parsed with the real
 * definition; one it lacks is declared here as a string so the parse stays strict for everything else.
 */
export const CONTRACT_FLAGS: Readonly<Record<string, readonly string[]>> = {
  server: ['key', 'allow'],
  worker: ['key', 'server-key'],
  peer: ['key', 'server-key'],
};

/**
 * Parses `argv` with a CLI command's own yargs definition (strict: an unknown flag or a missing
 * required one throws) without running its handler; returns the parsed arguments and which contract
 * flags had to be declared by the test.
 */
export async function parseWithCommand<U>(
  cmd: CommandModule<object, U>,
  argv: readonly string[],
  contract: readonly string[],
): Promise<{ args: Record<string, unknown>; declaredByTest: string[] }> {
  let parsed: Record<string, unknown> | null = null;
  const declaredByTest: string[] = [];
  const builder = (y: Argv) => {
    const built = typeof cmd.builder === 'function' ? (cmd.builder(y) as Argv) : y;
    const known = Object.keys(built.getOptions().key);
    let out: Argv = built;
    for (const flag of contract) {
      if (known.includes(flag)) continue;
      declaredByTest.push(flag);
      out = out.option(flag, { type: 'string', demandOption: true });
    }
    return out;
  };
  await yargs()
    .command({
      command: String(cmd.command),
      describe: false,
      builder,
      handler: (a) => {
        parsed = a;
      },
    })
    .strict()
    .fail((msg, err) => {
      throw err ?? new Error(msg);
    })
    .parseAsync([...argv]);
  if (parsed === null) throw new Error(`${argv.join(' ')}: the command did not run`);
  return { args: parsed, declaredByTest };
}
