import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { dealer, router, sleep, waitFor } from './fixtures.js';

const script = fileURLToPath(new URL('./fixtures/raw-dealer.mjs', import.meta.url));

function spawnDealer(address: string, id: string): ChildProcess {
  const child = spawn(process.execPath, [script, address, id], { stdio: ['ignore', 'pipe', 'inherit'] });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
  });
  return child;
}

describe('liveness over tcp loopback', () => {
  it.each([
    ['SIGSTOP', 1500],
    ['SIGKILL', 500],
  ] as const)('a peer process hit by %s is reported lost within %i ms while others stay', async (signal, limit) => {
    const srv = await router('tcp');
    const child = spawnDealer(srv.endpoint.address, 'victim');
    const healthy = dealer(srv.endpoint.address, { routingId: 'healthy' });
    await waitFor(() => srv.endpoint.peers().length === 2, 10_000, 'both peers to join');
    await waitFor(() => healthy.endpoint.connected, 5000, 'the healthy peer to hear the router');
    await sleep(300);
    const t0 = performance.now();
    child.kill(signal);
    await waitFor(() => srv.events.some((e) => e.kind === 'lost'), limit + 3000, 'the loss');
    const elapsed = performance.now() - t0;
    const lost = srv.events.filter((e) => e.kind === 'lost');
    expect(lost).toEqual([{ kind: 'lost', peer: 'victim', reason: 'disconnected' }]);
    expect(elapsed).toBeLessThan(limit);
    expect(srv.endpoint.peers()).toEqual(['healthy']);
    expect(healthy.endpoint.connected).toBe(true);
  });

  it('a DEALER notices its ROUTER closing, then rejoins a new ROUTER on the same address by itself', async () => {
    const first = await router('ipc');
    const host = dealer(first.endpoint.address, { routingId: 'host-1' });
    await waitFor(() => host.endpoint.connected, 5000, 'the dealer to hear the router');
    const t0 = performance.now();
    await first.endpoint.close();
    await waitFor(() => !host.endpoint.connected, 3000, 'the dealer to notice');
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(host.events.at(-1)).toMatchObject({ kind: 'lost', peer: 'server' });
    const { RouterEndpoint } = await import('@starling/transport');
    const second = await RouterEndpoint.listen(first.endpoint.address, { onMessage() {} });
    onTestFinished(() => second.close());
    await waitFor(() => second.peers().includes('host-1') && host.endpoint.connected, 5000, 'the rejoin');
    expect(host.events.map((e) => e.kind)).toEqual(['joined', 'lost', 'joined']);
  });
});
