import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { starling, tempDir } from '../cli/cli-helpers.js';
import { metrics, startStarling, testPort, waitFor } from './e2e-helpers.js';

/** The `--json` summary of an undisturbed inline run of `args` (js kernels, as `startStarling` uses). */
export function inlineReference(args: readonly string[]): Record<string, unknown> {
  const r = starling(['run', ...args, '--set', 'runtime={kind: inline}', '--out', join(tempDir(), 'run'), '--json'], {
    STARLING_KERNELS: 'js',
  });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/**
 * `starling server <args> <serverFlags> --hosts 1` with one `starling worker <first>`, SIGKILLed once
 * `after` rounds are in; one second later `starling worker <second>` (another host id) replaces it.
 * Resolves with the server's exit code, its `--json` summary, its run.log and metrics lines.
 */
export async function killAndReplaceWorker(o: {
  port: number;
  args: readonly string[];
  serverFlags?: readonly string[];
  first: readonly string[];
  second: readonly string[];
  after: number;
}) {
  const address = `tcp://127.0.0.1:${testPort(o.port)}`;
  const out = join(tempDir(), 'run');
  const server = startStarling([
    'server',
    ...o.args,
    ...(o.serverFlags ?? []),
    '--bind',
    address,
    '--hosts',
    '1',
    '--out',
    out,
    '--json',
  ]);
  await waitFor(() => server.err().includes('listening on'), 90_000, 'server to listen');
  const worker = (flags: readonly string[]) =>
    startStarling(['worker', '--connect', address, '--threads', '1', ...flags]);
  const first = worker(o.first);
  await waitFor(() => metrics(out).length >= o.after, 120_000, `${o.after} rounds`);
  first.child.kill('SIGKILL');
  await first.exit;
  await new Promise((r) => setTimeout(r, 1000));
  const second = worker(o.second);
  const code = await server.exit;
  const secondCode = await second.exit;
  return {
    code,
    err: server.err(),
    secondCode,
    secondErr: second.err(),
    summary: JSON.parse(server.out() || '{}') as Record<string, unknown>,
    log: readFileSync(join(out, 'run.log'), 'utf8'),
    lines: metrics(out),
  };
}
