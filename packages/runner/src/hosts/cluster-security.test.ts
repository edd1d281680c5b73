import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StarlingError } from '@starling/core';
import { type CurveIdentity, generateIdentity, writeIdentity } from '@starling/transport';
import { describe, expect, it, vi } from 'vitest';
import { exitCodeFor } from '../api/exit-code.js';
import { runtimeSchema } from '../config/schema-algorithm.js';
import { clusterSecurity, isLoopbackBind } from './cluster-security.js';
import { hostSecurity } from './host-main.js';

const log = () => ({ info: vi.fn(), warn: vi.fn() });
const cluster = (extra: object) => runtimeSchema.parse({ kind: 'cluster', ...extra });

/** A config folder with `keys/` (every pair) and `allow/` (the public keys of `allowed`). */
function folder(allowed: readonly string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'starling-cluster-security-'));
  const ids: Record<string, CurveIdentity> = {};
  for (const name of ['server', 'w1', 'w2']) {
    ids[name] = generateIdentity(name);
    writeIdentity(join(dir, 'keys'), ids[name]);
  }
  mkdirSync(join(dir, 'allow'));
  for (const name of allowed) {
    const pub = JSON.stringify({ starling: 'curve-key', name, public: ids[name].publicKey });
    writeFileSync(join(dir, 'allow', `${name}.key`), pub);
  }
  return { dir, ids };
}

describe('isLoopbackBind', () => {
  it.each([
    ['tcp://127.0.0.1:7000', true],
    ['tcp://127.0.0.1:*', true],
    ['tcp://127.3.2.1:80', true],
    ['tcp://localhost:7000', true],
    ['tcp://[::1]:7000', true],
    ['ipc:///tmp/s.sock', true],
    ['inproc://x', true],
    ['tcp://*:7000', false],
    ['tcp://0.0.0.0:7000', false],
    ['tcp://[::]:7000', false],
    ['tcp://10.0.0.5:7000', false],
    ['tcp://eth0:7000', false],
    ['tcp://127.0.0.1.evil.example:7000', false],
  ])('%s -> %s', (bind, loopback) => {
    expect(isLoopbackBind(bind)).toBe(loopback);
  });
});

describe('clusterSecurity', () => {
  it('other runtimes and loopback clusters stay plaintext without a word', () => {
    const l = log();
    expect(clusterSecurity(runtimeSchema.parse({ kind: 'threads' }), '.', l)).toBeNull();
    expect(clusterSecurity(cluster({ bind: 'tcp://127.0.0.1:7000' }), '.', l)).toBeNull();
    expect(l.warn).not.toHaveBeenCalled();
  });

  it('refuses a non-loopback bind without security (config error naming runtime.bind, exit code 2)', () => {
    let err: unknown;
    try {
      clusterSecurity(cluster({}), '.', log());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StarlingError);
    expect(exitCodeFor(err)).toBe(2);
    expect((err as StarlingError).message).toMatch(
      /^runtime\.bind must be a loopback address .*--insecure.*got "tcp:\/\/\*:7000"$/s,
    );
  });

  it('runtime.insecure listens openly with a warning saying what is exposed', () => {
    const l = log();
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(clusterSecurity(cluster({ bind: 'tcp://0.0.0.0:7000', insecure: true }), '.', l)).toBeNull();
    } finally {
      write.mockRestore();
    }
    expect(l.warn).toHaveBeenCalledOnce();
    expect(l.warn.mock.calls[0][1]).toMatch(
      /^insecure: listening on tcp:\/\/0\.0\.0\.0:7000 without CURVE: anyone .* poison/,
    );
  });

  it('loads the key and allow-list relative to the config folder; the server key in the folder is left out', () => {
    const { dir, ids } = folder(['w1', 'w2', 'server']);
    const s = clusterSecurity(cluster({ security: { key: 'keys/server.key_secret', allow: 'allow' } }), dir, log());
    expect(s?.identity).toEqual(ids.server);
    expect([...(s?.allow ?? [])]).toEqual([
      ['w1', ids.w1.publicKey],
      ['w2', ids.w2.publicKey],
    ]);
  });

  it('an allow-list naming nobody but the server, or a missing key file, is refused naming it', () => {
    const { dir } = folder(['server']);
    const rt = (key: string) => cluster({ security: { key, allow: 'allow' } });
    expect(() => clusterSecurity(rt('keys/server.key_secret'), dir, log())).toThrow(
      /^runtime\.security\.allow must be/,
    );
    expect(() => clusterSecurity(rt('keys/nope.key_secret'), dir, log())).toThrow(
      new RegExp(`^${join(dir, 'keys/nope.key_secret')}: cannot read key file`),
    );
    expect(() => clusterSecurity(rt('keys/w1.key'), dir, log())).toThrow(/w1\.key: not a Starling key file/);
  });
});

describe('hostSecurity (starling worker / peer --key --server-key)', () => {
  const base = { connect: 'tcp://127.0.0.1:1', logLevel: 'warn' as const };

  it('takes the host id from the key; --host-id must match it', () => {
    const { dir, ids } = folder([]);
    const key = join(dir, 'keys/w1.key_secret');
    const serverKey = join(dir, 'keys/server.key');
    expect(hostSecurity(base)).toBeNull();
    expect(hostSecurity({ ...base, key, serverKey })).toEqual({ identity: ids.w1, serverKey: ids.server.publicKey });
    expect(hostSecurity({ ...base, key, serverKey, hostId: 'w1' })?.identity.name).toBe('w1');
    expect(() => hostSecurity({ ...base, key, serverKey, hostId: 'w2' })).toThrow(
      /--host-id w2 differs from .* \(w1\)/,
    );
    expect(() => hostSecurity({ ...base, key })).toThrow(/--key and --server-key go together/);
  });
});
