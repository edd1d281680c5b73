import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadAllowList, loadIdentity, sharedSecret } from '@starling/transport';
import { describe, expect, it } from 'vitest';
import { starling, tempDir } from './cli-helpers.js';

describe('starling keys generate', () => {
  it('writes a loadable key pair, the secret at mode 0600, and refuses to overwrite without --force', () => {
    const out = join(tempDir(), 'keys');
    const first = starling(['keys', 'generate', '--name', 'w-1', '--out', out, '--json']);
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as { name: string; publicKey: string; secretPath: string };
    expect(report.name).toBe('w-1');
    expect(statSync(join(out, 'w-1.key_secret')).mode & 0o777).toBe(0o600);
    const id = loadIdentity(report.secretPath);
    expect(id.publicKey).toBe(report.publicKey);
    expect(loadAllowList(join(out, 'w-1.key')).get('w-1')).toBe(id.publicKey);
    // a second pair for the server: both sides derive one shared secret from the files
    expect(starling(['keys', 'generate', '--name', 'server', '--out', out]).code).toBe(0);
    const server = loadIdentity(join(out, 'server.key_secret'));
    expect(sharedSecret(id.secretKey, server.publicKey)).toEqual(sharedSecret(server.secretKey, id.publicKey));

    const again = starling(['keys', 'generate', '--name', 'w-1', '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('w-1.key exists; pass --force');
    expect(loadIdentity(report.secretPath)).toEqual(id);
    const forced = starling(['keys', 'generate', '--name', 'w-1', '--out', out, '--force']);
    expect(forced.code).toBe(0);
    expect(loadIdentity(report.secretPath).publicKey).not.toBe(id.publicKey);
  });

  it('exits 2 for a name outside ID_PATTERN or a missing --name, writing nothing', () => {
    const out = join(tempDir(), 'keys');
    const bad = starling(['keys', 'generate', '--name', 'w~1', '--out', out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--name must match');
    expect(starling(['keys', 'generate', '--out', out]).code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});
