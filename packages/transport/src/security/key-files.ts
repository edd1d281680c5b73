import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { errors, type StarlingError } from '@starling/core';
import { ID_PATTERN } from '../protocol.js';
import type { CurveIdentity } from './identity.js';
import { publicKeyOf } from './x25519.js';
import { isCurveKey } from './z85.js';

/** The `starling` field of every key file. */
export const KEY_FILE_KIND = 'curve-key';
/** Suffix of a public key file (what allow-lists hold). */
export const PUBLIC_SUFFIX = '.key';
/** Suffix of a secret key file (mode 0600; never in an allow-list). */
export const SECRET_SUFFIX = '.key_secret';

/** A public key with the name it was issued to. */
export interface NamedKey {
  readonly name: string;
  readonly publicKey: string;
}

function bad(file: string, problem: string, cause?: unknown): StarlingError {
  return errors.data(file, `not a Starling key file: ${problem}`, cause);
}

/** What a key file is read as: a host's identity (secret), any public key, or an allow-list entry (no secret). */
type KeyUse = 'identity' | 'public' | 'allow';

/** Reads and checks one key file. */
function readKeyFile(file: string, use: KeyUse): NamedKey & { readonly secretKey?: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw errors.data(file, `cannot read key file: ${(e as Error).message}`, e);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw bad(file, `malformed JSON (${(e as Error).message})`, e);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw bad(file, 'expected a JSON object');
  const o = doc as Record<string, unknown>;
  if (o.starling !== KEY_FILE_KIND)
    throw bad(file, `"starling" must be "${KEY_FILE_KIND}", got ${JSON.stringify(o.starling)}`);
  if (typeof o.name !== 'string' || !ID_PATTERN.test(o.name))
    throw bad(file, `"name" must match ${ID_PATTERN}, got ${JSON.stringify(o.name)}`);
  if (!isCurveKey(o.public)) throw bad(file, '"public" must be a 40-character z85 key');
  if (use === 'allow' && o.secret !== undefined)
    throw errors.data(file, 'holds a secret key: secrets do not belong in an allow-list');
  if (use !== 'identity') return { name: o.name, publicKey: o.public };
  if (o.secret === undefined)
    throw bad(file, `no "secret" field: this is a public key; pass the ${SECRET_SUFFIX} file`);
  if (!isCurveKey(o.secret)) throw bad(file, '"secret" must be a 40-character z85 key');
  if (publicKeyOf(o.secret) !== o.public) throw bad(file, '"public" does not belong to "secret"');
  return { name: o.name, publicKey: o.public, secretKey: o.secret };
}

/** Loads a secret key file (`NAME.key_secret`): the identity of this host. Errors name the file (`data` code). */
export function loadIdentity(path: string): CurveIdentity {
  const { name, publicKey, secretKey } = readKeyFile(path, 'identity');
  if (secretKey === undefined) throw bad(path, 'no secret key');
  return { name, publicKey, secretKey };
}

/**
 * Loads one public key (e.g. the server's, for `--server-key`). A secret key file is accepted too (its public
 * half is used). Errors name the file (`data` code).
 */
export function loadPublicKey(path: string): NamedKey {
  const k = readKeyFile(path, 'public');
  return { name: k.name, publicKey: k.publicKey };
}

/**
 * Loads an allow-list: one `.key` file, or a directory whose `*.key` files are read (other files are ignored,
 * but a `*.key_secret` in it is an error: secrets do not belong in an allow-list). Two files with one name,
 * or a malformed file, is an error naming the file. Returns name -> z85 public key, sorted by name.
 */
export function loadAllowList(path: string): Map<string, string> {
  let dir: boolean;
  try {
    dir = statSync(path).isDirectory();
  } catch (e) {
    throw errors.data(path, `cannot read allow-list: ${(e as Error).message}`, e);
  }
  const files = dir
    ? readdirSync(path)
        .sort()
        .filter((f) => {
          if (f.endsWith(SECRET_SUFFIX))
            throw errors.data(join(path, f), 'a secret key file in an allow-list directory (move it elsewhere)');
          return f.endsWith(PUBLIC_SUFFIX);
        })
        .map((f) => join(path, f))
    : [path];
  const byName = new Map<string, { key: string; file: string }>();
  for (const file of files) {
    const k = readKeyFile(file, 'allow');
    const seen = byName.get(k.name);
    if (seen) throw errors.data(file, `name ${JSON.stringify(k.name)} is already given by ${seen.file}`);
    byName.set(k.name, { key: k.publicKey, file });
  }
  return new Map([...byName].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, v]) => [name, v.key]));
}

/** Where `writeIdentity` puts the two files. */
export interface KeyFilePaths {
  readonly publicPath: string;
  readonly secretPath: string;
}

/**
 * Writes `DIR/NAME.key` (public, mode 0644) and `DIR/NAME.key_secret` (mode 0600), creating DIR. Refuses
 * (a `usage` StarlingError) when either file exists, unless `force`.
 */
export function writeIdentity(dir: string, id: CurveIdentity, force = false): KeyFilePaths {
  const publicPath = join(dir, `${id.name}${PUBLIC_SUFFIX}`);
  const secretPath = join(dir, `${id.name}${SECRET_SUFFIX}`);
  if (!force) {
    for (const p of [publicPath, secretPath])
      if (existsSync(p)) throw errors.usage(`${p} exists; pass --force to overwrite ${basename(p)}`);
  }
  mkdirSync(dir, { recursive: true });
  const pub = { starling: KEY_FILE_KIND, name: id.name, public: id.publicKey };
  const flag = force ? 'w' : 'wx';
  // the secret first, created with 0600 (chmod too: an overwritten file keeps its old mode otherwise)
  writeFileSync(secretPath, `${JSON.stringify({ ...pub, secret: id.secretKey }, null, 2)}\n`, { mode: 0o600, flag });
  chmodSync(secretPath, 0o600);
  writeFileSync(publicPath, `${JSON.stringify(pub, null, 2)}\n`, { mode: 0o644, flag });
  return { publicPath, secretPath };
}
