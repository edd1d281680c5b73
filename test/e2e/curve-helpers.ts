import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repo, starling } from '../cli/cli-helpers.js';

/** Key pairs made by `starling keys generate` (the real command) in `dir/keys`, one per name. */
export function generateKeys(dir: string, names: readonly string[]): string {
  const keys = join(dir, 'keys');
  for (const name of names) {
    const r = starling(['keys', 'generate', '--name', name, '--out', keys]);
    if (r.code !== 0) throw new Error(`starling keys generate --name ${name} failed: ${r.stderr}`);
  }
  return keys;
}

/** An allow-list folder `dir/<folder>` holding the public keys of `names` (copied from `keys`). */
export function allowList(dir: string, keys: string, names: readonly string[], folder = 'allow'): string {
  const allow = join(dir, folder);
  mkdirSync(allow, { recursive: true });
  for (const name of names) copyFileSync(join(keys, `${name}.key`), join(allow, `${name}.key`));
  return allow;
}

/** `--key` and `--server-key` for the host `name` at a server whose key is `server`. */
export function hostKeyFlags(keys: string, name: string, server = 'server'): string[] {
  return ['--key', join(keys, `${name}.key_secret`), '--server-key', join(keys, `${server}.key`)];
}

/** The final `summary.json`, `links.json` and `run.log` of a run folder (empty when absent). */
export function runFiles(out: string) {
  const read = (f: string) => (existsSync(join(out, f)) ? readFileSync(join(out, f), 'utf8') : '');
  const json = (f: string) => (read(f) === '' ? null : JSON.parse(read(f)));
  return { summary: json('summary.json'), links: json('links.json'), log: read('run.log') };
}

/**
 * A hostile process holding a real allow-listed key pair (`keyFile`'s) that connects to a CURVE server
 * with the routing id of another host (`claim`, with the tag its own key gives) and says `hello` every
 * 200 ms (printing `started` after the first) until SIGTERM; then it prints `{"received": N}`: how many
 * messages the server let through to it.
 */
export function startImpostor(o: { connect: string; keyFile: string; serverKeyFile: string; claim: string }): {
  child: ChildProcess;
  out: () => string;
  stop: () => Promise<{ code: number | null; received: number; out: string }>;
} {
  const transport = join(repo, 'packages/transport/dist/index.js');
  const script = `
    const t = await import(${JSON.stringify(transport)});
    const own = t.loadIdentity(${JSON.stringify(o.keyFile)});
    const serverKey = t.loadPublicKey(${JSON.stringify(o.serverKeyFile)}).publicKey;
    let received = 0;
    const d = t.DealerEndpoint.connect(${JSON.stringify(o.connect)}, {
      routingId: ${JSON.stringify(o.claim)},
      security: { identity: { ...own, name: ${JSON.stringify(o.claim)} }, serverKey },
      onMessage: () => { received++; },
      heartbeatMs: 250,
      peerTimeoutMs: 2000,
    });
    const hello = () => d.send({ type: 'hello', round: 0, node: -1, host: ${JSON.stringify(o.claim)},
      caps: { kernels: 'auto', cores: 1, version: '0.1.0' }, nodes: [] });
    hello();
    process.stdout.write('started\\n');
    const timer = setInterval(hello, 200);
    process.once('SIGTERM', async () => {
      clearInterval(timer);
      await d.close({ lingerMs: 0 });
      process.stdout.write(JSON.stringify({ received }) + '\\n');
      process.exit(0);
    });
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: repo });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    child.kill('SIGTERM');
    const code = await exited;
    const m = /\{"received":(\d+)\}/.exec(out);
    return { code, received: m ? Number(m[1]) : -1, out };
  };
  return { child, out: () => out, stop };
}
