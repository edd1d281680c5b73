import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DealerEndpoint,
  type DealerOptions,
  type IncomingMessage,
  type PeerEvent,
  RouterEndpoint,
  type RouterOptions,
} from '@starling/transport';
import { onTestFinished } from 'vitest';

let counter = 0;

/** A bind address for each transport: tcp on a free loopback port, or a fresh ipc path in the temp dir. */
export function bindAddress(transport: 'tcp' | 'ipc'): string {
  return transport === 'tcp'
    ? 'tcp://127.0.0.1:*'
    : `ipc://${join(tmpdir(), `starling-t-${process.pid}-${counter++}.sock`)}`;
}

/** Polls `predicate` every 5 ms until it holds; rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const start = performance.now();
  while (!predicate()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An endpoint with its received messages and peer events collected into arrays. */
export interface Recorded<E> {
  readonly endpoint: E;
  readonly messages: IncomingMessage[];
  readonly events: PeerEvent[];
}

type Extra<O> = Omit<O, 'onMessage' | 'onPeer'>;

/** A ROUTER endpoint bound for this test and closed when it ends. */
export async function router(
  transport: 'tcp' | 'ipc',
  o: Extra<RouterOptions> = {},
): Promise<Recorded<RouterEndpoint>> {
  const messages: IncomingMessage[] = [];
  const events: PeerEvent[] = [];
  const endpoint = await RouterEndpoint.listen(bindAddress(transport), {
    ...o,
    onMessage: (m) => messages.push(m),
    onPeer: (e) => events.push(e),
  });
  onTestFinished(() => endpoint.close());
  return { endpoint, messages, events };
}

/** A DEALER endpoint connected for this test and closed when it ends. */
export function dealer(address: string, o: Extra<DealerOptions>): Recorded<DealerEndpoint> {
  const messages: IncomingMessage[] = [];
  const events: PeerEvent[] = [];
  const endpoint = DealerEndpoint.connect(address, {
    ...o,
    onMessage: (m) => messages.push(m),
    onPeer: (e) => events.push(e),
  });
  onTestFinished(() => endpoint.close());
  return { endpoint, messages, events };
}

/** True when two typed arrays hold the same bytes (fast, unlike a deep equality on 10^5 elements). */
export function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
