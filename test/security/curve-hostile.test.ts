import {
  type CurveIdentity,
  EXAMPLE_HEADERS,
  generateIdentity,
  type RouterEndpoint,
  type RouterSecurity,
  secureRoutingId,
} from '@starling/transport';
import { describe, expect, it, onTestFinished } from 'vitest';
import { dealer, router, sameBytes, sleep, waitFor } from '../transport/fixtures.js';
import { hostile, recordingLog } from './hostile-helpers.js';

const server = generateIdentity('server');
const alice = generateIdentity('alice');
const bob = generateIdentity('bob');
const carol = generateIdentity('carol'); // never allowed
const allow = new Map([
  ['alice', alice.publicKey],
  ['bob', bob.publicKey],
]);
const security: RouterSecurity = { identity: server, allow };

/** An honest host: a DealerEndpoint holding `id`, saying hello once. */
function honest(address: string, id: CurveIdentity, secured = true) {
  const d = dealer(address, {
    routingId: id.name,
    heartbeatMs: 100,
    ...(secured ? { security: { identity: id, serverKey: server.publicKey } } : {}),
  });
  void d.endpoint.send({ ...EXAMPLE_HEADERS.hello, host: id.name });
  return d;
}

/** Sends a task to `peer` every 20 ms until the test ends; returns how many sends the socket accepted. */
function keepSending(r: RouterEndpoint, peer: string): { accepted: () => number } {
  let accepted = 0;
  const timer = setInterval(() => {
    void r.send(peer, EXAMPLE_HEADERS.task, [], { timeoutMs: 50 }).then((res) => {
      if (res.ok) accepted++;
    });
  }, 20);
  onTestFinished(() => clearInterval(timer));
  return { accepted: () => accepted };
}

describe('a CURVE ROUTER facing hostile processes', () => {
  it('a host without CURVE or with an unlisted key never completes a handshake, sends or receives anything', async () => {
    const srv = await router('tcp', { security });
    const good = honest(srv.endpoint.address, alice);
    await waitFor(() => srv.messages.length === 1, 5000, 'the honest hello');
    const tasks = keepSending(srv.endpoint, 'alice');
    // both claim alice's name; one speaks plaintext, the other holds a key nobody listed
    const plain = hostile(srv.endpoint.address, 'alice');
    const unlisted = hostile(srv.endpoint.address, 'alice', { server: server.publicKey, own: carol });
    // their sends queue locally (no handshake ever completes), so wait for the refusals, then a while more
    // a plaintext client fails as `protocol` or `other` (it varies), a denied key as `auth`
    const failed = (kind: string) => srv.endpoint.stats().connections[`handshake:error:${kind}`] ?? 0;
    await waitFor(() => failed('protocol') + failed('other') >= 1 && failed('auth') >= 1, 5000, 'both refused');
    await sleep(1000);

    expect(srv.messages.map((m) => [m.peer, m.header.type])).toEqual([['alice', 'hello']]);
    expect(srv.events).toEqual([{ kind: 'joined', peer: 'alice', reason: 'message' }]);
    const stats = srv.endpoint.stats();
    expect(stats.receivedByType.update).toBeUndefined();
    expect(Object.keys(stats.peers)).toEqual(['alice']);
    // nothing of theirs ever reached the ROUTER's application layer: not even refused messages
    expect(stats.refused.messages).toBe(0);
    const { connections: c } = stats;
    const failures = ['auth', 'protocol', 'other'].map((k) => c[`handshake:error:${k}`] ?? 0);
    expect(stats.refused.connections).toBe(failures[0]! + failures[1]! + failures[2]!);
    expect(stats.refused.connections).toBeGreaterThanOrEqual(2);
    expect(tasks.accepted()).toBeGreaterThan(10);
    expect(good.messages.filter((m) => m.header.type === 'task').length).toBeGreaterThan(10);
    expect(plain.got).toEqual([]);
    expect(unlisted.got).toEqual([]);
  });

  it('a listed key cannot take another host name: refused, counted, warned once, sent nothing for that name', async () => {
    const log = recordingLog();
    const srv = await router('tcp', { security, log });
    const good = honest(srv.endpoint.address, alice);
    await waitFor(() => srv.messages.length === 1, 5000, 'the honest hello');
    const tasks = keepSending(srv.endpoint, 'alice');
    const bobKey = { server: server.publicKey, own: bob };
    // bob holds a listed key: the plain name, and the TAG bob can compute for "alice" (with his own secret)
    const bare = hostile(srv.endpoint.address, 'alice', bobKey);
    const forged = hostile(srv.endpoint.address, secureRoutingId('alice', bob.secretKey, server.publicKey), bobKey);
    await waitFor(() => bare.sent() >= 40 && forged.sent() >= 40, 10_000, 'hostile traffic');
    await waitFor(() => srv.endpoint.stats().refused.messages >= 60, 5000, 'refused messages');

    const whileConnected = srv.endpoint.stats();
    expect(good.messages.filter((m) => m.header.type === 'task').length).toBeGreaterThan(10);
    // the honest host is gone: what is sent to "alice" still reaches no impostor
    await good.endpoint.close();
    await waitFor(() => srv.events.some((e) => e.kind === 'lost'), 5000, 'alice lost');
    const acceptedBefore = tasks.accepted();
    await sleep(600);
    expect(tasks.accepted()).toBe(acceptedBefore);
    expect(bare.got).toEqual([]);
    expect(forged.got).toEqual([]);

    expect(srv.messages.map((m) => [m.peer, m.header.type])).toEqual([['alice', 'hello']]);
    expect(srv.events.map((e) => [e.kind, e.peer])).toEqual([
      ['joined', 'alice'],
      ['lost', 'alice'],
    ]);
    const { refused, receivedByType, peers, totals } = srv.endpoint.stats();
    expect(receivedByType.update).toBeUndefined();
    expect(Object.keys(peers)).toEqual(['alice']);
    expect(whileConnected.refused.messages).toBeGreaterThanOrEqual(60);
    // each refused update carries a 16-byte payload besides its header; none of it is in the run's totals
    expect(refused.bytes).toBeGreaterThan(refused.messages * 16);
    expect(totals.bytesReceived).toBeLessThan(refused.bytes);
    expect(refused.connections).toBe(0); // their keys are listed: the handshakes succeed
    const warned = log.warnings.filter((w) => w.obj.reason === 'unauthenticated').map((w) => w.obj.routingId);
    expect(warned.sort()).toEqual(['alice', secureRoutingId('alice', bob.secretKey, server.publicKey)].sort());
  });

  it('the same key holder reconnecting takes its own id back (handover)', async () => {
    const srv = await router('tcp', { security });
    const first = honest(srv.endpoint.address, alice);
    await waitFor(() => srv.messages.length === 1, 5000, 'the first hello');
    keepSending(srv.endpoint, 'alice');
    await waitFor(() => first.messages.length > 0, 5000, 'a task at the first connection');
    const second = honest(srv.endpoint.address, alice); // the first one never said bye
    await waitFor(() => second.messages.length > 3, 5000, 'tasks at the second connection');
    const firstCount = first.messages.length;
    await sleep(300);
    expect(first.messages.length).toBe(firstCount);
    expect(srv.messages.map((m) => m.peer)).toEqual(['alice', 'alice']);
    expect(srv.endpoint.stats().refused).toEqual({ messages: 0, bytes: 0, connections: 0 });
  });

  it('control: without security the same impostor is delivered as alice and receives her tasks', async () => {
    const srv = await router('tcp');
    const tasks = keepSending(srv.endpoint, 'alice');
    const impostor = hostile(srv.endpoint.address, 'alice');
    await waitFor(() => impostor.got.includes('task'), 10_000, 'a task at the impostor');
    await waitFor(() => srv.messages.some((m) => m.header.type === 'update'), 5000, 'an impostor update');
    expect(srv.messages[0]!.peer).toBe('alice');
    expect(srv.messages[0]!.header.type).toBe('hello');
    expect(srv.events[0]).toEqual({ kind: 'joined', peer: 'alice', reason: 'message' });
    expect(tasks.accepted()).toBeGreaterThan(0);
    expect(srv.endpoint.stats().refused).toEqual({ messages: 0, bytes: 0, connections: 0 });
  });

  it('setAllow admits a key allowed later and loses a host whose key is removed', async () => {
    const srv = await router('tcp', { security: { identity: server, allow: new Map() } });
    const late = honest(srv.endpoint.address, alice);
    await waitFor(() => srv.endpoint.stats().refused.connections >= 1, 5000, 'a ZAP denial');
    expect(srv.messages).toEqual([]);
    srv.endpoint.setAllow(allow);
    await waitFor(() => srv.endpoint.peers().includes('alice'), 5000, 'alice admitted');
    void late.endpoint.send({ ...EXAMPLE_HEADERS.hello, host: 'alice' });
    await waitFor(() => srv.messages.length === 1, 5000, 'her hello');
    srv.endpoint.setAllow(new Map([['bob', bob.publicKey]]));
    expect(srv.events.at(-1)).toEqual({ kind: 'lost', peer: 'alice', reason: 'revoked' });
    void late.endpoint.send({ ...EXAMPLE_HEADERS.hello, host: 'alice' });
    await waitFor(() => srv.endpoint.stats().refused.messages >= 1, 5000, 'her refused hello');
    expect(srv.messages.length).toBe(1);
    await expect(srv.endpoint.send('alice', EXAMPLE_HEADERS.task, [], { timeoutMs: 50 })).resolves.toMatchObject({
      ok: false,
    });
  });

  it('refuses a malformed security option with the option path', async () => {
    const bad = { identity: { ...alice, publicKey: bob.publicKey }, allow };
    await expect(router('tcp', { security: bad })).rejects.toThrow(
      /transport.security.identity must be a valid CURVE identity, got "publicKey does not belong to secretKey"/,
    );
    const badAllow = { identity: server, allow: new Map([['alice', 'HelloWorld']]) };
    await expect(router('tcp', { security: badAllow })).rejects.toThrow(/transport.security.allow\[alice\]/);
    expect(() =>
      dealer('tcp://127.0.0.1:1', { routingId: 'bob', security: { identity: alice, serverKey: server.publicKey } }),
    ).toThrow(/transport.routingId must be the key's name "alice", got "bob"/);
  });
});

describe('payloads over CURVE', () => {
  it('a 3 MiB tensor crosses a secured link intact both ways (1 MiB chunks by default)', async () => {
    const srv = await router('tcp', { security });
    const d = honest(srv.endpoint.address, alice);
    await waitFor(() => srv.messages.length === 1, 5000, 'the hello');
    const model = Float32Array.from({ length: 3 * 2 ** 18 }, (_, i) => Math.sin(i));
    await srv.endpoint.send('alice', EXAMPLE_HEADERS.task, [{ name: 'model', data: model }]);
    await waitFor(() => d.messages.some((m) => m.header.type === 'task'), 10_000, 'the task');
    const task = d.messages.find((m) => m.header.type === 'task')!;
    expect(sameBytes(task.tensors[0]!.data, model)).toBe(true);
    await d.endpoint.send(EXAMPLE_HEADERS.update, [{ name: 'delta', data: model }]);
    await waitFor(() => srv.messages.length === 2, 10_000, 'the update');
    expect(sameBytes(srv.messages[1]!.tensors[0]!.data, model)).toBe(true);
    expect(srv.messages[1]!.peer).toBe('alice');
  });
});
