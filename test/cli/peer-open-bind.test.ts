import { describe, expect, it, onTestFinished } from 'vitest';
import { starling } from '../cli/cli-helpers.js';
import { startStarling, testPort, waitFor } from '../e2e/e2e-helpers.js';

describe('starling peer without a key refuses to receive gossip openly', () => {
  it('the default bind (0.0.0.0) is refused with exit 2 and what it would expose', () => {
    const r = starling(['peer', '--connect', `tcp://127.0.0.1:${testPort(81)}`, '--host-id', 'p']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/starling peer without --key listens in plaintext on tcp:\/\/0\.0\.0\.0:\*: refusing/);
    expect(r.stderr).toMatch(/--key FILE --server-key FILE.*--bind tcp:\/\/127\.0\.0\.1:\*.*--insecure/);
  });

  it('--insecure starts it anyway, with a warning; a loopback bind needs neither', async () => {
    for (const flags of [['--insecure'], ['--bind', 'tcp://127.0.0.1:*']]) {
      const host = startStarling([
        'peer',
        ...['--connect', `tcp://127.0.0.1:${testPort(82)}`, '--host-id', 'p', '--threads', '1'],
        ...['--log-level', 'info', ...flags],
      ]);
      onTestFinished(() => void host.child.kill('SIGKILL'));
      await waitFor(() => host.err().includes('gossip host started'), 60_000, 'the host to start');
      const warned = /warning: insecure: gossip inbox on tcp:\/\/0\.0\.0\.0:\* without CURVE/.test(host.err());
      expect(warned).toBe(flags[0] === '--insecure');
      host.child.kill('SIGTERM');
      expect(await host.exit).toBe(130);
    }
  });
});
