import { errors } from '@starling/core';
import { generateIdentity, ID_PATTERN, writeIdentity } from '@starling/transport';

/** The flags of `starling keys generate`. */
export interface KeysGenerateFlags {
  readonly name: string;
  readonly out: string;
  readonly force: boolean;
  readonly json: boolean;
}

/**
 * `starling keys generate`: a fresh key pair for `--name`, written to `--out` (refuses to overwrite without
 * `--force`). Prints where the files went and the public key; a bad name or an existing file is a usage
 * error (exit 2).
 */
export function keysGenerateCommand(a: KeysGenerateFlags): void {
  if (!ID_PATTERN.test(a.name)) throw errors.usage(`--name must match ${ID_PATTERN}, got ${JSON.stringify(a.name)}`);
  const id = generateIdentity(a.name);
  const paths = writeIdentity(a.out, id, a.force);
  const report = { name: id.name, publicKey: id.publicKey, ...paths };
  process.stdout.write(
    a.json
      ? `${JSON.stringify(report)}\n`
      : `wrote ${paths.publicPath} (public: give it to the server's allow-list)\n` +
          `wrote ${paths.secretPath} (secret, mode 0600: keep it on ${id.name} only)\n` +
          `public key ${id.publicKey}\n`,
  );
}
