import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exitCodeFor, readConfigFile, renderK8s } from '@starling/runner';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { repo, starling, tempDir } from '../cli/cli-helpers.js';
import { makeKeysDir } from './fixtures.js';

const keys = makeKeysDir(['server', 'worker-0', 'worker-1']);
afterAll(() => keys.remove());

const fedavg = readConfigFile(join(repo, 'experiments/fedavg-mnist-iid.yaml')) as Record<string, unknown>;
const cluster = { ...fedavg, runtime: { kind: 'cluster' } };

/** Renders with `over` replacing the defaults and returns the error it throws (or fails the test). */
function refusal(over: Partial<Parameters<typeof renderK8s>[0]>): { code: number; message: string } {
  try {
    renderK8s({
      config: cluster,
      configText: '',
      configFile: 'x.yaml',
      baseDir: repo,
      workers: 2,
      keysDir: keys.dir,
      ...over,
    });
  } catch (err) {
    return { code: exitCodeFor(err), message: err instanceof Error ? err.message : String(err) };
  }
  throw new Error('renderK8s accepted it');
}

describe('starling deploy k8s refusals (exit code 2)', () => {
  it('refuses fewer than one worker', () => {
    expect(refusal({ workers: 0 })).toEqual({ code: 2, message: '--workers must be an integer >= 1, got 0' });
    expect(refusal({ workers: 1.5 }).code).toBe(2);
  });

  it('refuses a host without a key, saying how to make one', () => {
    const r = refusal({ workers: 3 });
    expect(r.code).toBe(2);
    expect(r.message).toContain('no key for host worker-2');
    expect(r.message).toContain(`starling keys generate --name worker-2 --out ${keys.dir}`);
  });

  it('refuses a key file issued to another name, or whose halves do not match', () => {
    const other = makeKeysDir(['server', 'worker-0', 'worker-1', 'intruder']);
    try {
      writeFileSync(join(other.dir, 'worker-1.key'), readFileSync(join(other.dir, 'intruder.key')));
      expect(refusal({ keysDir: other.dir })).toMatchObject({
        code: 2,
        message: expect.stringContaining('worker-1.key'),
      });
      const mine = JSON.parse(readFileSync(join(other.dir, 'worker-0.key'), 'utf8'));
      mine.name = 'worker-1';
      writeFileSync(join(other.dir, 'worker-1.key'), JSON.stringify(mine));
      expect(refusal({ keysDir: other.dir }).message).toContain('hold different public keys');
    } finally {
      other.remove();
    }
  });

  it('refuses a config for another runtime, saying the manifests are for the cluster runtime and how to get it', () => {
    const r = refusal({ config: { ...fedavg, runtime: { kind: 'threads' } } });
    expect(r.code).toBe(2);
    expect(r.message).toMatch(/^runtime\.kind must be cluster for `starling deploy k8s`/);
    expect(r.message).toContain("--set 'runtime={kind: cluster}'");
    expect(r.message).toContain('got "threads"');
  });

  it('refuses an invalid config, naming the option', () => {
    const r = refusal({ config: { ...cluster, optimizer: { kind: 'sgd', lr: -1 } } });
    expect(r.code).toBe(2);
    expect(r.message).toContain('optimizer.lr');
  });
});

describe('starling deploy k8s (the command)', () => {
  it('writes manifests.yaml and a mode 0600 secrets.yaml, refuses a non-empty --out, exits 2 on a missing key', () => {
    const out = tempDir('starling-deploy-');
    try {
      const argv = ['deploy', 'k8s', 'experiments/fedavg-mnist-iid.yaml', '--keys', keys.dir, '--workers'];
      const ok = starling([...argv, '2', '--set', 'runtime={kind: cluster}', '--out', out, '--image', 'r.example/s:1']);
      expect(ok.stderr).toContain('kubectl apply -f');
      expect(ok.code).toBe(0);
      const kinds = (file: string) =>
        parseAllDocuments(readFileSync(join(out, file), 'utf8')).map((d) => (d.toJS() as { kind: string }).kind);
      expect(kinds('secrets.yaml')).toEqual(['Secret', 'Secret', 'Secret']);
      expect(kinds('manifests.yaml')).not.toContain('Secret');
      expect(statSync(join(out, 'secrets.yaml')).mode & 0o777).toBe(0o600);
      const again = starling([...argv, '2', '--set', 'runtime={kind: cluster}', '--out', out]);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('is not empty');
      const noRuntime = starling([...argv, '2']);
      expect(noRuntime.code).toBe(2);
      expect(noRuntime.stderr).toContain('runtime.kind must be cluster');
      const missing = starling([...argv, '3', '--set', 'runtime={kind: cluster}']);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('no key for host worker-2');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
