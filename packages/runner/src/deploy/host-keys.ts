import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errors } from '@starling/core';

/** One host's CURVE key files as `starling keys generate` wrote them (file contents, unchanged). */
export interface HostKeyFiles {
  /** The key's name: the host id of whoever holds it (`server`, `worker-3`, `peer-0`). */
  readonly name: string;
  /** The text of `NAME.key` (JSON with the z85 public key): public, goes into the allow-list. */
  readonly publicText: string;
  /** The text of `NAME.key_secret` (adds the z85 secret key): goes into the host's own Secret. */
  readonly secretText: string;
}

const Z85_KEY = /^[0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]{40}$/;

function readKeyFile(dir: string, name: string, ext: 'key' | 'key_secret'): { text: string; json: unknown } {
  const file = join(dir, `${name}.${ext}`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw errors.usage(
      `--keys ${dir}: no key for host ${name} (${file} is missing); ` +
        `create it with: starling keys generate --name ${name} --out ${dir}`,
    );
  }
  try {
    return { text, json: JSON.parse(text) };
  } catch {
    throw errors.usage(`${file} is not a starling key file (not JSON)`);
  }
}

function field(json: unknown, key: string): unknown {
  return typeof json === 'object' && json !== null ? (json as Record<string, unknown>)[key] : undefined;
}

/**
 * Reads the key pair of host `name` from `dir` (the output folder of `starling keys generate`,
 * docs/deploy.md): `NAME.key` and `NAME.key_secret`, both `{"starling": "curve-key", "name": NAME, ...}`
 * with 40-character z85 keys, the secret file's public key equal to the public file's. Anything else is
 * a `usage` error (exit code 2) naming the file and how to make it.
 */
export function readHostKeys(dir: string, name: string): HostKeyFiles {
  const pub = readKeyFile(dir, name, 'key');
  const sec = readKeyFile(dir, name, 'key_secret');
  for (const [ext, { json }] of [
    ['key', pub],
    ['key_secret', sec],
  ] as const) {
    const file = join(dir, `${name}.${ext}`);
    if (field(json, 'starling') !== 'curve-key' || field(json, 'name') !== name) {
      throw errors.usage(`${file} must be a starling curve-key file for host ${name}`);
    }
    if (!Z85_KEY.test(String(field(json, 'public')))) throw errors.usage(`${file}: "public" must be a z85 key`);
  }
  if (!Z85_KEY.test(String(field(sec.json, 'secret')))) {
    throw errors.usage(`${join(dir, `${name}.key_secret`)}: "secret" must be a z85 key`);
  }
  if (field(pub.json, 'public') !== field(sec.json, 'public')) {
    throw errors.usage(`${join(dir, name)}.key and .key_secret hold different public keys`);
  }
  return { name, publicText: pub.text, secretText: sec.text };
}
