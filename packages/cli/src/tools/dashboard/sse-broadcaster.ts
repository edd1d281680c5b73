import type { IncomingMessage, ServerResponse } from 'node:http';

/** What one event carries: JSON with a string `kind` (the page dispatches on it). */
export type SseEvent = { readonly kind: string; readonly [field: string]: unknown };

/** One buffered server-sent event: its id and the frame as written. */
interface Frame {
  readonly id: number;
  readonly text: string;
  readonly kind: string;
  /** Frames with the same key replace each other in the replay buffer (only the latest is replayed). */
  readonly key: string | null;
}

/**
 * Server-sent events (`text/event-stream`) to any number of clients, with a replay buffer: a client
 * that connects late gets every event so far, then the live ones; one that reconnects with
 * `Last-Event-ID` gets only what it missed. Each event is one `data:` line of JSON with an `id:`.
 * `end` sends a last event, ends every response and answers later clients with the whole history
 * and an immediate end, so nothing stays open once the run is over.
 */
export class SseBroadcaster {
  private readonly frames: Frame[] = [];
  private readonly clients = new Set<ServerResponse>();
  private nextId = 0;
  private ended = false;

  /**
   * @param maxFrames the replay buffer's size: past it, the oldest frames of kinds listed in
   *   `droppable` are dropped first (then the oldest of any kind), so the start and the round lines stay
   */
  constructor(
    private readonly maxFrames = 200_000,
    private readonly droppable: ReadonlySet<string> = new Set(['straggler']),
  ) {}

  /** Clients connected now. */
  get connected(): number {
    return this.clients.size;
  }

  /** True once `end` was called. */
  get isEnded(): boolean {
    return this.ended;
  }

  /**
   * Sends `data` (JSON with a string `kind`) to every client and keeps it for late ones; with `key`,
   * it replaces the buffered event of the same key. Ignored after `end`.
   */
  publish(data: SseEvent, key: string | null = null): void {
    if (this.ended) return;
    const id = this.nextId++;
    const frame: Frame = { id, text: `id: ${id}\ndata: ${JSON.stringify(data)}\n\n`, kind: data.kind, key };
    if (key !== null) {
      const at = this.frames.findIndex((f) => f.key === key);
      if (at >= 0) this.frames.splice(at, 1);
    }
    this.frames.push(frame);
    if (this.frames.length > this.maxFrames) this.trim();
    for (const res of this.clients) res.write(frame.text);
  }

  /** Serves one `GET` as an event stream: replays the buffer (after `Last-Event-ID`), then live events. */
  attach(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    const last = Number(req.headers['last-event-id']);
    const after = Number.isInteger(last) ? last : -1;
    res.write('retry: 1000\n\n');
    for (const f of this.frames) if (f.id > after) res.write(f.text);
    if (this.ended) {
      res.end();
      return;
    }
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  /** Sends `data` as the last event and ends every client's stream. */
  end(data: SseEvent): void {
    if (this.ended) return;
    this.publish(data);
    this.ended = true;
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private trim(): void {
    const at = this.frames.findIndex((f) => this.droppable.has(f.kind));
    this.frames.splice(at >= 0 ? at : 0, 1);
  }
}
