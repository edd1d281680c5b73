import { Reply } from 'zeromq';
import { z85Decode } from './z85.js';

/** Where libzmq looks for a ZAP handler (RFC 27); one per ZeroMQ context, so one per process here. */
export const ZAP_ENDPOINT = 'inproc://zeromq.zap.01';

/** One ROUTER's ZAP domain: the public keys it admits, and how many handshakes it denied. */
export interface ZapRegistration {
  /** The value to set as the ROUTER's `zapDomain` (unique in the process). */
  readonly domain: string;
  /** Replaces the admitted keys (name -> z85 public key); applies to later handshakes. */
  setAllow(allow: ReadonlyMap<string, string>): void;
  /** CURVE handshakes refused so far because the client's key is not admitted. */
  denials(): number;
  /** Forgets the domain; the handler's socket closes with the last one (so the process can exit). */
  close(): void;
}

interface Domain {
  /** hex of the raw 32-byte public key -> name */
  keys: Map<string, string>;
  denials: number;
}

const domains = new Map<string, Domain>();
let socket: Reply | undefined;
let serving: Promise<void> = Promise.resolve();
let counter = 0;

function keysOf(allow: ReadonlyMap<string, string>): Map<string, string> {
  const keys = new Map<string, string>();
  for (const [name, key] of allow) {
    const raw = z85Decode(key);
    if (raw !== null) keys.set(raw.toString('hex'), name);
  }
  return keys;
}

/** The reply to one ZAP request: 200 with the key's name as user id, or 400. */
function answer(frames: Buffer[]): (string | Buffer)[] {
  const [version, requestId, domain, , , mechanism, key] = frames;
  const deny = (why: string) => ['1.0', requestId ?? '', '400', why, '', ''];
  if (version?.toString() !== '1.0' || frames.length !== 7) return deny('malformed ZAP request');
  const d = domains.get(domain!.toString());
  if (d === undefined) return deny('unknown domain');
  const name = mechanism!.toString() === 'CURVE' ? d.keys.get(key!.toString('hex')) : undefined;
  if (name === undefined) {
    d.denials++;
    return deny('key not allowed');
  }
  return ['1.0', requestId!, '200', 'OK', name, ''];
}

async function serve(reply: Reply): Promise<void> {
  for (;;) {
    let frames: Buffer[];
    try {
      frames = await reply.receive();
    } catch {
      return; // closed
    }
    try {
      await reply.send(answer(frames));
    } catch {
      if (reply.closed) return;
    }
  }
}

async function start(): Promise<void> {
  await serving; // a previous socket's loop has ended (its inproc endpoint is free again)
  const reply = new Reply({ linger: 0 });
  for (let attempt = 0; ; attempt++) {
    try {
      await reply.bind(ZAP_ENDPOINT);
      break;
    } catch (e) {
      if (attempt >= 50) {
        reply.close();
        throw new Error(`cannot bind the ZAP handler at ${ZAP_ENDPOINT}: ${(e as Error).message}`, { cause: e });
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  socket = reply;
  serving = serve(reply);
}

let starting: Promise<void> | undefined;

/**
 * Registers a ZAP domain admitting `allow` (name -> z85 public key) with the process's ZAP handler, starting the
 * handler (a `zmq.Reply` at `inproc://zeromq.zap.01`) if this is the first domain. Await it before the ROUTER
 * binds: libzmq admits every CURVE client while no handler is bound. Requests for unknown domains, for other
 * mechanisms than CURVE, or with keys not admitted are answered 400.
 */
export async function registerZapDomain(allow: ReadonlyMap<string, string>): Promise<ZapRegistration> {
  const domain = `starling.${process.pid}.${++counter}`;
  const entry: Domain = { keys: keysOf(allow), denials: 0 };
  domains.set(domain, entry);
  try {
    while (socket === undefined) {
      starting ??= start().finally(() => {
        starting = undefined;
      });
      await starting;
    }
  } catch (e) {
    domains.delete(domain);
    throw e;
  }
  let open = true;
  return {
    domain,
    setAllow: (next) => {
      entry.keys = keysOf(next);
    },
    denials: () => entry.denials,
    close: () => {
      if (!open) return;
      open = false;
      domains.delete(domain);
      if (domains.size === 0 && socket !== undefined) {
        socket.close();
        socket = undefined;
      }
    },
  };
}

/** True while the process's ZAP handler socket is open (some ROUTER still has a domain registered). */
export function zapHandlerOpen(): boolean {
  return socket !== undefined;
}
