import { describe, expect, it } from 'vitest';
import { tempDir } from '../cli/cli-helpers.js';
import { allowList, generateKeys, hostKeyFlags } from './curve-helpers.js';
import { smallFedAvg } from './e2e-helpers.js';
import { inlineReference, killAndReplaceWorker } from './replace-helpers.js';

// A replacement worker host under CURVE (runtime.security, docs/security.md): the only worker (key w-1)
// is SIGKILLed mid-run and another allow-listed host (key w-2) takes over its nodes; the run ends on the
// bits of an undisturbed run. A host whose key is not allow-listed cannot take them (it never gets in).

const ROUNDS = 20;
const args = [...smallFedAvg, '--set', `algorithm.rounds=${ROUNDS}`, '--set', 'eval.every=1000'];

describe('a replacement worker host under CURVE', () => {
  it('SIGKILL of w-1, then w-2 (allow-listed) takes over: same model_sha256 as an undisturbed run', async () => {
    const reference = inlineReference(args);
    const dir = tempDir('starling-curve-replace-');
    const keys = generateKeys(dir, ['server', 'w-1', 'w-2']);
    const allow = allowList(dir, keys, ['w-1', 'w-2']);
    const r = await killAndReplaceWorker({
      port: 81,
      args,
      serverFlags: ['--key', `${keys}/server.key_secret`, '--allow', allow],
      first: hostKeyFlags(keys, 'w-1'),
      second: hostKeyFlags(keys, 'w-2'),
      after: 5,
    });
    expect(r.code, r.err).toBe(0);
    expect(r.secondCode, r.secondErr).toBe(0);
    expect(r.summary.model_sha256).toBe(reference.model_sha256);
    expect(r.lines).toHaveLength(ROUNDS);
    expect(r.lines.every((l) => l.failures === 0 && l.aggregated === true)).toBe(true);
    expect(r.log).toMatch(/"from":"w-1","to":"w-2".*host takes over the nodes of a lost host/);
    expect(r.log).toContain('open round sent again');
  }, 300_000);
});
