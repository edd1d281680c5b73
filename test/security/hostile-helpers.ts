import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CurveIdentity, EndpointLog } from '@starling/transport';
import { onTestFinished } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/hostile-dealer.mjs', import.meta.url));

/** A hostile host in a child process (plain zeromq, no Starling code): what it received and how much it sent. */
export interface Hostile {
  readonly child: ChildProcess;
  /** Types of the messages it received, in order. */
  readonly got: string[];
  /** Messages it has sent so far (hello included), as last reported. */
  sent(): number;
}

/**
 * Spawns `fixtures/hostile-dealer.mjs` connecting to `address` with `routingId`: plaintext without `keys`,
 * else a CURVE client holding `keys.own` and trusting `keys.server` (the real server's public key).
 */
export function hostile(address: string, routingId: string, keys?: { server: string; own: CurveIdentity }): Hostile {
  const curve = keys ? [keys.server, keys.own.publicKey, keys.own.secretKey] : [];
  const child = spawn(process.execPath, [script, address, routingId, ...curve], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  onTestFinished(() => {
    child.kill('SIGKILL');
  });
  const got: string[] = [];
  let sent = 0;
  let rest = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString('utf8')).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      const o = JSON.parse(line) as { got?: string; sent?: number };
      if (o.got !== undefined) got.push(o.got);
      if (o.sent !== undefined) sent = o.sent;
    }
  });
  return { child, got, sent: () => sent };
}

/** A log that keeps its warnings (objects and messages) for assertions. */
export function recordingLog(): EndpointLog & { warnings: { obj: Record<string, unknown>; msg: string }[] } {
  const warnings: { obj: Record<string, unknown>; msg: string }[] = [];
  return {
    warnings,
    warn: (obj, msg) => warnings.push({ obj: obj as Record<string, unknown>, msg }),
    debug: () => {},
  };
}
