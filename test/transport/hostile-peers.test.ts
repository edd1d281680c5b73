import { EXAMPLE_HEADERS } from '@starling/transport';
import { Packr, unpack } from 'msgpackr';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Dealer } from 'zeromq';
import { dealer, router, sleep, waitFor } from './fixtures.js';

const packr = new Packr({ useRecords: false });
const RUN = 'fedavg-mnist-1';

/** A raw ZeroMQ DEALER (no Starling code) that sends whatever frames a test gives it. */
function rawDealer(address: string, routingId?: string, options: Record<string, unknown> = {}): Dealer {
  const socket = new Dealer({ linger: 0, ...(routingId ? { routingId } : {}), ...options });
  socket.connect(address);
  onTestFinished(() => socket.close());
  return socket;
}

function header(type: keyof typeof EXAMPLE_HEADERS, extra: Record<string, unknown> = {}): Buffer {
  return packr.pack({ ...EXAMPLE_HEADERS[type], v: 1, seq: 0, tensors: [], ...extra });
}

const f32 = (values: number[]) => Buffer.from(Float32Array.from(values).buffer);
const desc = (n: number) => ({ name: 'delta', dtype: 'f32', length: n, bytes: 4 * n });

describe('a RouterEndpoint facing hostile peers', () => {
  it('rejects and counts every kind of bad message while it keeps serving a good peer', async () => {
    // Frames of 32 KiB pass the socket's per-frame limit; two of them exceed the 48 KiB message limit.
    const srv = await router('tcp', { run: RUN, maxMessageBytes: 48 * 1024 });
    const good = dealer(srv.endpoint.address, { routingId: 'good', run: RUN });
    const mallory = rawDealer(srv.endpoint.address, 'mallory');
    const noId = rawDealer(srv.endpoint.address); // the ROUTER gives it a binary id
    const attacks: [string, Buffer[]][] = [
      ['msgpack', [Buffer.from([0xc1, 0x00, 0xff])]],
      ['msgpack', [Buffer.from('this is not msgpack at all')]],
      ['schema', [header('hello', { caps: { kernels: 'js', cores: '2', version: '' } })]],
      ['schema', [header('update', { isAdmin: true })]],
      ['schema', [header('update', { weight: Number.NaN })]],
      ['version', [header('update', { v: 2 })]],
      ['unknown-type', [header('update', { type: 'shutdown' })]],
      ['direction', [header('task')]],
      ['wrong-run', [header('update', { run: 'another-run' })]],
      ['non-finite', [header('update', { tensors: [desc(3)] }), f32([0, Number.NaN, 1])]],
      ['non-finite', [header('update', { tensors: [desc(2)] }), f32([Number.POSITIVE_INFINITY, 1])]],
      ['tensor-size', [header('update', { tensors: [desc(3)] }), f32([1, 2])]],
      ['tensor-count', [header('update', { tensors: [desc(1)] }), f32([1]), f32([2])]],
      [
        'too-large',
        [header('update', { tensors: [desc(8192), desc(8192)] }), f32(Array(8192).fill(0)), f32(Array(8192).fill(0))],
      ],
    ];
    let served = 0;
    for (const [, frames] of attacks) {
      await mallory.send(frames);
      const r = await good.endpoint.send({ ...EXAMPLE_HEADERS.update, round: served }, [
        { name: 'delta', data: Float32Array.of(served) },
      ]);
      expect(r.ok).toBe(true);
      served++;
    }
    await noId.send(header('heartbeat'));
    await waitFor(() => srv.endpoint.stats().totals.rejected === attacks.length + 1, 5000, 'all rejections');
    await waitFor(() => srv.messages.length === served, 5000, 'the good peer');

    const stats = srv.endpoint.stats();
    const expected: Record<string, number> = { 'routing-id': 1 };
    for (const [reason] of attacks) expected[reason] = (expected[reason] ?? 0) + 1;
    expect(stats.rejected).toEqual(expected);
    expect(stats.peers.mallory.rejected).toBe(attacks.length);
    expect(stats.peers.good.rejected).toBe(0);
    expect(srv.messages.every((m) => m.peer === 'good')).toBe(true);
    expect(srv.messages.map((m) => m.tensors[0].data[0])).toEqual([...Array(served).keys()]);
    expect(srv.endpoint.peers()).toEqual(['good']);

    // Mallory learns why: the first refusal is answered with an error message (then rate-limited).
    const [reply] = await Promise.race([mallory.receive(), sleep(2000).then(() => [Buffer.alloc(0)])]);
    expect(unpack(reply)).toMatchObject({ type: 'error', v: 1, run: RUN, code: 'msgpack', ref: -1 });
  });

  it('drops the connection of a peer whose frame exceeds maxMessageBytes and keeps serving the others', async () => {
    const srv = await router('tcp', { maxMessageBytes: 64 * 1024, run: RUN });
    const good = dealer(srv.endpoint.address, { routingId: 'good' });
    const big = rawDealer(srv.endpoint.address, 'big');
    await big.send(header('heartbeat'));
    await waitFor(() => srv.endpoint.peers().includes('big'), 5000, 'big to join');
    const n = 100 * 1024;
    await big.send([header('update', { tensors: [desc(n / 4)] }), Buffer.alloc(n)]);
    await waitFor(() => (srv.endpoint.stats().connections.disconnect ?? 0) >= 1, 5000, 'the disconnect');
    expect((await good.endpoint.send(EXAMPLE_HEADERS.update, [{ name: 'd', data: Float32Array.of(1) }])).ok).toBe(true);
    await waitFor(() => srv.messages.length === 1, 5000, 'the good update');
    expect(srv.messages[0].peer).toBe('good');
    await waitFor(() => !srv.endpoint.peers().includes('big'), 3000, 'big to be dropped');
    expect(srv.events).toContainEqual({ kind: 'lost', peer: 'big', reason: 'disconnected' });
  });
});
