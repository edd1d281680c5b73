import { pack } from 'msgpackr';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Dealer, Router } from 'zeromq';
import { dealer, router, sleep, waitFor } from './fixtures.js';

const heartbeat = (seq: number) => pack({ type: 'heartbeat', v: 1, run: '', round: 0, node: -1, seq, tensors: [] });

/**
 * A peer whose main thread is busy (or starved of CPU) sends no application message, but its ZeroMQ
 * I/O thread still answers ZMTP heartbeats: it is connected, so silence alone must not lose it before
 * `connectedSilenceMs`. A raw zeromq socket that sends one message and then nothing plays that peer.
 */
describe('a connected but silent peer', () => {
  it('a ROUTER keeps it past peerTimeoutMs and reports it lost (timeout) after connectedSilenceMs', async () => {
    const srv = await router('tcp', { heartbeatMs: 50, peerTimeoutMs: 200, connectedSilenceMs: 1200 });
    const busy = new Dealer({ routingId: 'busy', linger: 0 });
    onTestFinished(() => busy.close());
    busy.connect(srv.endpoint.address);
    await busy.send(heartbeat(0));
    await waitFor(() => srv.endpoint.peers().includes('busy'), 5000, 'the peer to join');
    const t0 = performance.now();
    await sleep(700); // 3.5 × peerTimeoutMs of silence, still connected
    expect(srv.events.filter((e) => e.kind === 'lost')).toEqual([]);
    expect(srv.endpoint.peers()).toEqual(['busy']);
    await waitFor(() => srv.events.some((e) => e.kind === 'lost'), 3000, 'the loss');
    expect(performance.now() - t0).toBeGreaterThan(1000);
    expect(srv.events.at(-1)).toEqual({ kind: 'lost', peer: 'busy', reason: 'timeout' });
  });

  it('a DEALER keeps a silent ROUTER past peerTimeoutMs and loses it after connectedSilenceMs', async () => {
    const quiet = new Router({ linger: 0 });
    onTestFinished(() => quiet.close());
    await quiet.bind('tcp://127.0.0.1:*');
    const host = dealer(quiet.lastEndpoint as string, {
      routingId: 'host-1',
      heartbeatMs: 50,
      peerTimeoutMs: 200,
      connectedSilenceMs: 1200,
    });
    const [id] = await quiet.receive(); // the DEALER's first heartbeat
    await quiet.send([id, heartbeat(0)]);
    await waitFor(() => host.endpoint.connected, 5000, 'the dealer to hear the router');
    const t0 = performance.now();
    await sleep(700);
    expect(host.endpoint.connected).toBe(true);
    await waitFor(() => !host.endpoint.connected, 3000, 'the loss');
    expect(performance.now() - t0).toBeGreaterThan(1000);
    expect(host.events.map((e) => [e.kind, e.reason])).toEqual([
      ['joined', 'message'],
      ['lost', 'timeout'],
    ]);
  });

  it('a peer that closes its socket is still lost at once, well before connectedSilenceMs', async () => {
    const srv = await router('tcp', { heartbeatMs: 50, peerTimeoutMs: 300, connectedSilenceMs: 5000 });
    const h = dealer(srv.endpoint.address, { routingId: 'h', heartbeatMs: 50, peerTimeoutMs: 300 });
    await waitFor(() => srv.endpoint.peers().includes('h'), 5000, 'the peer to join');
    const t0 = performance.now();
    await h.endpoint.close();
    await waitFor(() => srv.events.some((e) => e.kind === 'lost'), 3000, 'the loss');
    expect(performance.now() - t0).toBeLessThan(1500);
  });

  it('an endpoint whose own thread was blocked does not blame its peers for the silence', async () => {
    const o = { heartbeatMs: 50, peerTimeoutMs: 200, connectedSilenceMs: 300 };
    const srv = await router('tcp', o);
    const h = dealer(srv.endpoint.address, { routingId: 'h', ...o });
    await waitFor(() => srv.endpoint.peers().includes('h') && h.endpoint.connected, 5000, 'the peer to join');
    const until = performance.now() + 1000; // 5 × peerTimeoutMs with this thread (both ends) busy
    while (performance.now() < until) {}
    await sleep(400);
    expect(srv.events.map((e) => e.kind)).toEqual(['joined']);
    expect(h.events.map((e) => e.kind)).toEqual(['joined']);
  });
});
