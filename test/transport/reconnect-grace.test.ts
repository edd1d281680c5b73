import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { router, sleep, waitFor } from './fixtures.js';

const script = fileURLToPath(new URL('./fixtures/raw-dealer.mjs', import.meta.url));

describe('reconnectGraceMs', () => {
  it('a peer whose connection dropped and came back within the grace is not lost; a killed one is, after it', async () => {
    const srv = await router('tcp', { reconnectGraceMs: 2500 });
    const child = spawn(process.execPath, [script, srv.endpoint.address, 'victim'], { stdio: 'ignore' });
    onTestFinished(() => {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    });
    await waitFor(() => srv.endpoint.peers().includes('victim'), 10_000, 'the peer to join');
    // stopped past the ZMTP timeout (600 ms): the ROUTER drops the connection, the peer reconnects on SIGCONT
    child.kill('SIGSTOP');
    await sleep(1200);
    child.kill('SIGCONT');
    const disconnects = () => srv.endpoint.stats().connections.disconnect ?? 0;
    await waitFor(() => disconnects() >= 1, 3000, 'the dropped connection');
    await sleep(2000);
    expect(srv.events.map((e) => e.kind)).toEqual(['joined']);
    const t0 = performance.now();
    child.kill('SIGKILL');
    await waitFor(() => srv.events.some((e) => e.kind === 'lost'), 6000, 'the loss');
    const elapsed = performance.now() - t0;
    expect(srv.events.at(-1)).toEqual({ kind: 'lost', peer: 'victim', reason: 'disconnected' });
    expect(elapsed).toBeGreaterThan(2000);
    expect(elapsed).toBeLessThan(4500);
  });
});
