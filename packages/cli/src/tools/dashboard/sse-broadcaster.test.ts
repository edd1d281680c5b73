import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SseBroadcaster } from './sse-broadcaster.js';

/** A real HTTP client's view of an event stream: the parsed events, and whether the server ended it. */
interface Stream {
  readonly events: { id: number; data: Record<string, unknown> }[];
  readonly ended: Promise<void>;
  /** Resolves once at least `n` events arrived. */
  until(n: number): Promise<void>;
  close(): void;
}

function follow(port: number, lastEventId?: number): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const headers = lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) };
    const req = get({ host: '127.0.0.1', port, path: '/events', headers }, (res: IncomingMessage) => {
      const events: Stream['events'] = [];
      const waiters: { n: number; done: () => void }[] = [];
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let at = buf.indexOf('\n\n');
        while (at >= 0) {
          const frame = buf.slice(0, at);
          buf = buf.slice(at + 2);
          const id = /^id: (\d+)$/m.exec(frame);
          const data = /^data: (.*)$/m.exec(frame);
          if (id && data) events.push({ id: Number(id[1]), data: JSON.parse(data[1]) });
          at = buf.indexOf('\n\n');
        }
        for (const w of waiters) if (events.length >= w.n) w.done();
      });
      const ended = new Promise<void>((done) => res.on('end', () => done()));
      expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
      resolve({
        events,
        ended,
        until: (n) => new Promise<void>((done) => (events.length >= n ? done() : waiters.push({ n, done }))),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
  });
}

describe('SseBroadcaster over loopback HTTP', () => {
  let server: Server | null = null;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    server = null;
  });

  async function serve(sse: SseBroadcaster): Promise<number> {
    server = createServer((req, res) => sse.attach(req, res));
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    return (server.address() as AddressInfo).port;
  }

  it('sends live events to a connected client and replays the history to a late one', async () => {
    const sse = new SseBroadcaster();
    const port = await serve(sse);
    sse.publish({ kind: 'start', rounds: 3 });
    const early = await follow(port);
    await early.until(1);
    sse.publish({ kind: 'round', round: 0 });
    sse.publish({ kind: 'round', round: 1 });
    await early.until(3);
    const late = await follow(port);
    await late.until(3);
    expect(late.events).toEqual(early.events);
    expect(late.events.map((e) => e.data)).toEqual([
      { kind: 'start', rounds: 3 },
      { kind: 'round', round: 0 },
      { kind: 'round', round: 1 },
    ]);
    expect(late.events.map((e) => e.id)).toEqual([0, 1, 2]);
    expect(sse.connected).toBe(2);
    early.close();
    late.close();
  });

  it('replays only what a reconnecting client missed (Last-Event-ID)', async () => {
    const sse = new SseBroadcaster();
    const port = await serve(sse);
    for (let r = 0; r < 5; r++) sse.publish({ kind: 'round', round: r });
    const again = await follow(port, 2);
    await again.until(2);
    expect(again.events.map((e) => e.data.round)).toEqual([3, 4]);
    again.close();
  });

  it('end sends the last event and ends every stream; a client after the end gets it all and an end', async () => {
    const sse = new SseBroadcaster();
    const port = await serve(sse);
    const client = await follow(port);
    sse.publish({ kind: 'round', round: 0 });
    sse.end({ kind: 'end', status: 'completed' });
    sse.publish({ kind: 'round', round: 1 }); // ignored after the end
    await client.ended;
    expect(client.events.map((e) => e.data.kind)).toEqual(['round', 'end']);
    expect(sse.connected).toBe(0);
    const after = await follow(port);
    await after.ended;
    expect(after.events.map((e) => e.data)).toEqual([
      { kind: 'round', round: 0 },
      { kind: 'end', status: 'completed' },
    ]);
  });

  it('keyed events replace each other in the replay buffer, and the buffer drops droppable kinds first', async () => {
    const sse = new SseBroadcaster(4, new Set(['straggler']));
    const port = await serve(sse);
    sse.publish({ kind: 'start' });
    sse.publish({ kind: 'links', total: 1 }, 'links');
    sse.publish({ kind: 'straggler', node: 7 });
    sse.publish({ kind: 'links', total: 2 }, 'links');
    sse.publish({ kind: 'round', round: 0 });
    sse.publish({ kind: 'round', round: 1 }); // 5 frames kept > 4: the straggler goes
    const late = await follow(port);
    await late.until(4);
    expect(late.events.map((e) => e.data)).toEqual([
      { kind: 'start' },
      { kind: 'links', total: 2 },
      { kind: 'round', round: 0 },
      { kind: 'round', round: 1 },
    ]);
    late.close();
  });
});
