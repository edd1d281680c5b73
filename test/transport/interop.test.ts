// A worker host written only with `zeromq` and `msgpackr`, following docs/protocol.md, joins a
// RouterEndpoint, receives its welcome and a task with a model, and answers with an update. If the
// framing or the header schema in the document drift from the code, this test fails.
import { type IncomingMessage, RouterEndpoint } from '@starling/transport';
import { Packr, Unpackr } from 'msgpackr';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Dealer } from 'zeromq';
import { waitFor } from './fixtures.js';

const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });

/** The raw client: everything below uses the documented wire format and nothing from Starling. */
async function rawWorker(address: string): Promise<{ welcome: Record<string, unknown>; model: Float32Array }> {
  const socket = new Dealer({ routingId: 'raw-host', linger: 0, heartbeatInterval: 200, heartbeatTimeout: 600 });
  onTestFinished(() => socket.close());
  socket.connect(address);
  let seq = 0;
  const send = (header: Record<string, unknown>, frames: Buffer[] = []) =>
    socket.send([packr.pack({ v: 1, seq: seq++, ...header }), ...frames]);
  await send({
    type: 'hello',
    run: '',
    round: 0,
    node: -1,
    tensors: [],
    host: 'raw-host',
    caps: { kernels: 'js', cores: 1, version: 'raw-0' },
    nodes: [{ id: 7, samples: 120 }],
  });
  let welcome: Record<string, unknown> | undefined;
  for (;;) {
    const [head, ...frames] = await socket.receive();
    const h = unpackr.unpack(head);
    if (h.type === 'heartbeat') continue;
    if (h.type === 'welcome') {
      welcome = h;
      continue;
    }
    expect(h.type).toBe('task');
    expect(h.tensors).toHaveLength(frames.length);
    const d = h.tensors[0];
    expect(d).toEqual({ name: 'model', dtype: 'f32', length: 5, bytes: 20 });
    // Tensor frames are little-endian; DataView makes that explicit for any host.
    const view = new DataView(frames[0].buffer, frames[0].byteOffset, frames[0].byteLength);
    const model = Float32Array.from({ length: d.length }, (_, i) => view.getFloat32(4 * i, true));
    const delta = Buffer.alloc(4 * d.length);
    for (let i = 0; i < model.length; i++) delta.writeFloatLE(model[i] / 2, 4 * i);
    await send(
      {
        type: 'update',
        run: welcome!.run,
        round: h.round,
        node: 7,
        tensors: [{ name: 'delta', dtype: 'f32', length: d.length, bytes: delta.length }],
        weight: 120,
        metrics: { train_loss: 0.25 },
      },
      [delta],
    );
    return { welcome: welcome!, model };
  }
}

describe('interoperability with a client written from docs/protocol.md', () => {
  it('a raw zeromq + msgpackr DEALER registers, takes a task and delivers an update', async () => {
    const got: IncomingMessage[] = [];
    const model = Float32Array.of(1, -2, 0.5, 3e-8, 1e30);
    const server: RouterEndpoint = await RouterEndpoint.listen('tcp://127.0.0.1:*', {
      run: 'interop-1',
      onMessage(m) {
        got.push(m);
        if (m.header.type !== 'hello') return;
        void server.send(m.peer, {
          type: 'welcome',
          round: 0,
          node: -1,
          host: m.header.host,
          nodes: m.header.nodes.map((n) => n.id),
          config: { optimizer: { kind: 'sgd', lr: 0.1 } },
          digest: '',
          heartbeatMs: 500,
          timeoutMs: 3000,
        });
        void server.send(
          m.peer,
          { type: 'task', round: 4, node: -1, nodes: [7], model: 'full', config: {}, deadlineMs: 0 },
          [{ name: 'model', data: model }],
        );
      },
    });
    onTestFinished(() => server.close());

    const worker = await rawWorker(server.address);
    await waitFor(() => got.length === 2, 5000, 'the update');

    expect(worker.welcome).toMatchObject({ type: 'welcome', v: 1, run: 'interop-1', host: 'raw-host', nodes: [7] });
    expect(worker.model).toEqual(model);
    const [hello, update] = got;
    expect(hello.header).toMatchObject({ type: 'hello', host: 'raw-host', nodes: [{ id: 7, samples: 120 }] });
    expect(update.peer).toBe('raw-host');
    expect(update.header).toMatchObject({ type: 'update', run: 'interop-1', round: 4, node: 7, weight: 120, seq: 1 });
    expect(Array.from(update.tensors[0].data)).toEqual(Array.from(model, (x) => Math.fround(x / 2)));
    expect(server.stats().totals.rejected).toBe(0);
  });
});
