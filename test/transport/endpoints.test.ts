import { EXAMPLE_HEADERS, type OutgoingHeader } from '@starling/transport';
import { describe, expect, it, onTestFinished } from 'vitest';
import { bindAddress, dealer, router, sameBytes, waitFor } from './fixtures.js';

const model = Float32Array.from({ length: 50_000 }, (_, i) => Math.cos(i) * 0.01);
const q = Uint8Array.from({ length: 1001 }, (_, i) => i % 251);

describe.each(['tcp', 'ipc'] as const)('RouterEndpoint and DealerEndpoint over %s', (transport) => {
  it('carry every message type, with tensors, in both directions', async () => {
    const srv = await router(transport, { heartbeatMs: 0, run: 'fedavg-mnist-1' });
    const host = dealer(srv.endpoint.address, { routingId: 'host-0', heartbeatMs: 0 });
    const up: OutgoingHeader[] = [
      EXAMPLE_HEADERS.hello,
      EXAMPLE_HEADERS.update,
      EXAMPLE_HEADERS.error,
      { ...EXAMPLE_HEADERS.gossip, run: 'fedavg-mnist-1' },
      EXAMPLE_HEADERS.bye,
    ];
    for (const h of up) {
      const r = await host.endpoint.send(
        h,
        h.type === 'update' || h.type === 'gossip' ? [{ name: 'delta', data: model }] : [],
      );
      expect(r.ok).toBe(true);
    }
    await waitFor(() => srv.messages.length === up.length, 5000, 'uplink messages');
    expect(srv.messages.map((m) => m.header.type)).toEqual(up.map((h) => h.type));
    expect(srv.messages.every((m) => m.peer === 'host-0')).toBe(true);
    const upd = srv.messages[1];
    expect(upd.header).toMatchObject({ ...EXAMPLE_HEADERS.update, v: 1, seq: 1 });
    expect(upd.tensors[0].data).toBeInstanceOf(Float32Array);
    expect(sameBytes(upd.tensors[0].data, model)).toBe(true);
    expect(srv.events.map((e) => e.kind)).toEqual(['joined', 'left']);

    const down: OutgoingHeader[] = [
      EXAMPLE_HEADERS.welcome,
      EXAMPLE_HEADERS.task,
      EXAMPLE_HEADERS.error,
      EXAMPLE_HEADERS.bye,
    ];
    for (const h of down) {
      const tensors =
        h.type === 'task'
          ? [
              { name: 'model', data: model },
              { name: 'mask', data: q, codec: 'topk' },
            ]
          : [];
      expect((await srv.endpoint.send('host-0', h, tensors)).ok).toBe(true);
    }
    await waitFor(() => host.messages.length === down.length, 5000, 'downlink messages');
    expect(host.messages.map((m) => m.header.type)).toEqual(down.map((h) => h.type));
    const task = host.messages[1];
    expect(task.header).toMatchObject({ ...EXAMPLE_HEADERS.task, seq: 1 });
    expect(task.tensors.map((t) => [t.name, t.dtype, t.codec])).toEqual([
      ['model', 'f32', undefined],
      ['mask', 'u8', 'topk'],
    ]);
    expect(sameBytes(task.tensors[0].data, model)).toBe(true);
    expect(sameBytes(task.tensors[1].data, q)).toBe(true);

    // Both ends count the same frames: what one sent is what the other received.
    const s = srv.endpoint.stats();
    const h = host.endpoint.stats();
    expect(s.peers['host-0'].bytesReceived).toBe(h.totals.bytesSent);
    expect(s.peers['host-0'].bytesSent).toBe(h.totals.bytesReceived);
    expect(s.totals.messagesReceived).toBe(up.length);
    expect(s.receivedByType.update.bytes).toBe(upd.bytes);
    expect(upd.bytes).toBeGreaterThan(model.byteLength);
    expect(upd.bytes).toBeLessThan(model.byteLength + 300);
    expect(s.totals.rejected + h.totals.rejected + s.totals.seqGaps + h.totals.seqGaps).toBe(0);
  });

  it('keeps receiving after the application handler throws, and counts the exceptions', async () => {
    const { RouterEndpoint } = await import('@starling/transport');
    let calls = 0;
    const srv = await RouterEndpoint.listen(bindAddress(transport), {
      heartbeatMs: 0,
      onMessage() {
        calls++;
        throw new Error('handler bug');
      },
      onPeer() {
        throw new Error('peer handler bug');
      },
    });
    onTestFinished(() => srv.close());
    const host = dealer(srv.address, { routingId: 'host-9', heartbeatMs: 0 });
    for (let i = 0; i < 3; i++) await host.endpoint.send({ ...EXAMPLE_HEADERS.update, round: i });
    await waitFor(() => calls === 3, 5000, 'three deliveries');
    expect(srv.stats().handlerErrors).toBe(4);
  });
});

describe('RouterEndpoint.sayBye', () => {
  it('says bye to each connected peer with the reason cut to 256 characters, and skips unknown ones', async () => {
    const srv = await router('tcp', { heartbeatMs: 0, run: 'fedavg-mnist-1' });
    const hosts = ['host-a', 'host-b'].map((id) => dealer(srv.endpoint.address, { routingId: id, heartbeatMs: 0 }));
    for (const h of hosts) expect((await h.endpoint.send(EXAMPLE_HEADERS.hello)).ok).toBe(true);
    await waitFor(() => srv.endpoint.peers().length === 2, 5000, 'both hosts joined');
    await srv.endpoint.sayBye(['host-a', 'not-a-peer', 'host-b'], `run finished ${'x'.repeat(400)}`);
    for (const h of hosts) {
      await waitFor(() => h.messages.length === 1, 5000, 'the bye');
      expect(h.messages[0].header).toMatchObject({ type: 'bye', round: 0, node: -1 });
      const reason = (h.messages[0].header as { reason: string }).reason;
      expect(reason).toHaveLength(256);
      expect(reason.startsWith('run finished x')).toBe(true);
    }
  });
});
