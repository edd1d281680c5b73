import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serverRuntime } from './server-runtime.js';

const dir = mkdtempSync(join(tmpdir(), 'starling-server-runtime-'));
let files = 0;
function config(runtime: string): string {
  const file = join(dir, `c-${files++}.yaml`);
  writeFileSync(file, `name: t\n${runtime}\n`);
  return file;
}
const flags = { set: [] as string[], bind: 'tcp://*:7000', hosts: 2, hostWaitS: 60, insecure: false };
const runtimeOf = (override: string) => JSON.parse(override.slice('runtime='.length));

describe('serverRuntime (starling server)', () => {
  it('a config without a cluster runtime gets a plain cluster from the flags', () => {
    const r = runtimeOf(serverRuntime({ ...flags, config: config('runtime: { kind: threads }') }));
    expect(r).toEqual({ kind: 'cluster', bind: 'tcp://*:7000', hosts: 2, hostWaitS: 60, insecure: false });
  });

  it("keeps a cluster config's security, insecure and joinTimeoutS (its paths stay relative to the config)", () => {
    const file = config(
      'runtime: { kind: cluster, joinTimeoutS: 9, insecure: true, security: { key: k/s.key_secret, allow: a } }',
    );
    const r = runtimeOf(serverRuntime({ ...flags, config: file }));
    expect(r).toMatchObject({ joinTimeoutS: 9, insecure: true, security: { key: 'k/s.key_secret', allow: 'a' } });
  });

  it('--key and --allow override it, resolved against the working directory; --insecure sets insecure', () => {
    const file = config('runtime: { kind: cluster, security: { key: x, allow: y } }');
    const r = runtimeOf(
      serverRuntime({ ...flags, config: file, key: 'keys/s.key_secret', allow: 'allow dir', insecure: true }),
    );
    expect(r.security).toEqual({ key: resolve('keys/s.key_secret'), allow: resolve('allow dir') });
    expect(r.insecure).toBe(true);
  });

  it('--key without --allow is a usage error', () => {
    expect(() => serverRuntime({ ...flags, config: config('runtime: { kind: inline }'), key: 'k' })).toThrow(
      /--key and --allow go together/,
    );
  });
});
