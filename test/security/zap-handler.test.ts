import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EXAMPLE_HEADERS, generateIdentity, zapHandlerOpen } from '@starling/transport';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Dealer, Router } from 'zeromq';
import { dealer, router, sleep, waitFor } from '../transport/fixtures.js';

const server = generateIdentity('server');
const alice = generateIdentity('alice');
const bob = generateIdentity('bob');
const secured = (id: typeof alice) => ({ routingId: id.name, security: { identity: id, serverKey: server.publicKey } });

describe('the process-wide ZAP handler', () => {
  it('serves several ROUTERs, each with its own allow-list, and closes with the last one', async () => {
    const r1 = await router('tcp', { security: { identity: server, allow: new Map([['alice', alice.publicKey]]) } });
    const r2 = await router('tcp', { security: { identity: server, allow: new Map([['bob', bob.publicKey]]) } });
    const plain = await router('tcp'); // NULL mechanism: never asks ZAP
    expect(zapHandlerOpen()).toBe(true);
    const hello = (name: string) => ({ ...EXAMPLE_HEADERS.hello, host: name });
    for (const [r, id] of [
      [r1, alice],
      [r2, alice],
      [r1, bob],
      [r2, bob],
    ] as const)
      void dealer(r.endpoint.address, { ...secured(id), reconnectMs: 5000, reconnectMaxMs: 5000 }).endpoint.send(
        hello(id.name),
      );
    void dealer(plain.endpoint.address, { routingId: 'carol' }).endpoint.send(hello('carol'));
    await waitFor(() => r1.messages.length === 1 && r2.messages.length === 1 && plain.messages.length === 1);
    await waitFor(() => r1.endpoint.stats().refused.connections === 1 && r2.endpoint.stats().refused.connections === 1);
    expect(r1.messages[0]!.peer).toBe('alice');
    expect(r2.messages[0]!.peer).toBe('bob');
    expect(plain.messages[0]!.peer).toBe('carol');
    expect(plain.endpoint.stats().refused).toEqual({ messages: 0, bytes: 0, connections: 0 });
    await r1.endpoint.close();
    expect(zapHandlerOpen()).toBe(true);
    await r2.endpoint.close();
    expect(zapHandlerOpen()).toBe(false);
  });

  it('denies a CURVE socket whose domain nobody registered (a CURVE ROUTER made without Starling)', async () => {
    const keep = await router('tcp', { security: { identity: server, allow: new Map() } }); // starts the handler
    expect(keep.endpoint.address).toMatch(/^tcp:/);
    const raw = new Router({ curveServer: true, curveSecretKey: server.secretKey, linger: 0, zapDomain: 'nobody' });
    onTestFinished(() => raw.close());
    await raw.bind('tcp://127.0.0.1:*');
    let auth = 0;
    raw.events.on('handshake:error:auth', () => auth++);
    const client = new Dealer({
      linger: 0,
      curveServerKey: server.publicKey,
      curvePublicKey: alice.publicKey,
      curveSecretKey: alice.secretKey,
    });
    onTestFinished(() => client.close());
    client.connect(raw.lastEndpoint!);
    void client.send('hi').catch(() => {});
    await waitFor(() => auth === 1);
    await sleep(100);
  });

  it('lets a process with secured endpoints exit on its own once they are closed', async () => {
    const script = fileURLToPath(new URL('./fixtures/secured-exit.mjs', import.meta.url));
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const start = performance.now();
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 15_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(out).toBe('open after one true\nopen after both false\n');
    expect(code).toBe(0);
    expect(performance.now() - start).toBeLessThan(10_000);
  });
});
