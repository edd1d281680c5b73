import { DealerEndpoint } from '@starling/transport';
import { type GossipRound, runGossipCoordinator } from '@starling/worker';
import { describe, expect, it } from 'vitest';
import { consensusRing4 } from './consensus-ring.js';

const quiet = { info() {}, warn() {}, error() {}, debug() {} };

/** Four consensus peers on a ring; the two hosts are scripted dealers (nodes 0-1 on h-a, 2-3 on h-b). */
const setup = consensusRing4(20);

/**
 * A host that says hello, and once welcomed runs `script` with its control socket; it leaves (closes
 * its socket after a `bye` of its own) when the coordinator says bye.
 */
function scriptedHost(address: string, id: string, script: (control: DealerEndpoint) => void): DealerEndpoint {
  const control: DealerEndpoint = DealerEndpoint.connect(address, {
    routingId: id,
    peerName: 'coordinator',
    log: quiet,
    onMessage: (m) => {
      if (m.header.type === 'welcome') script(control);
      if (m.header.type === 'bye')
        void control.send({ type: 'bye', round: 0, node: -1, reason: 'told to' }).then(() => control.close());
    },
  });
  const caps = { kernels: 'js', cores: 1, version: '0.1.0' };
  void control.send({ type: 'hello', round: 0, node: -1, host: id, caps, nodes: [], endpoint: `tcp://${id}:1` });
  return control;
}

async function coordinate(scripts: Record<string, (control: DealerEndpoint) => void>) {
  const rounds: GossipRound[] = [];
  const hosts: DealerEndpoint[] = [];
  const run = runGossipCoordinator({
    bind: 'tcp://127.0.0.1:*',
    run: 'stop',
    hosts: 2,
    setup,
    partition: Array.from({ length: 4 }, () => new Int32Array(0)),
    modelSize: 6,
    joinTimeoutMs: 20_000,
    log: quiet,
    heartbeatMs: 100,
    peerTimeoutMs: 1000,
    onListening: (address) => {
      for (const [id, script] of Object.entries(scripts)) hosts.push(scriptedHost(address, id, script));
    },
    onRound: (r) => void rounds.push(r),
  });
  const outcome = await run.then(
    () => null,
    (err: unknown) => err,
  );
  await Promise.all(hosts.map((h) => h.close({ lingerMs: 0 })));
  return { outcome, rounds };
}

describe('the gossip coordinator records no round once the run has stopped', () => {
  it('a peer gone non-finite fails the run; hosts leaving after it release nothing', async () => {
    const leave = (control: DealerEndpoint) =>
      control.send({ type: 'bye', round: 0, node: -1, reason: 'scripted departure' });
    const nonFinite = async (control: DealerEndpoint) => {
      await control.send({
        type: 'error',
        round: 0,
        node: 0,
        code: 'non-finite',
        message: 'update[0] is NaN',
        ref: -1,
      });
      await leave(control);
    };
    const { outcome, rounds } = await coordinate({ 'h-a': (c) => void nonFinite(c), 'h-b': (c) => void leave(c) });
    expect(outcome).toMatchObject({ code: 'diverged', message: expect.stringMatching(/peer 0 went non-finite/) });
    expect(rounds).toEqual([]);
  });

  it('every host leaving fails the run instead of recording rounds of nobody', async () => {
    const leave = (control: DealerEndpoint) =>
      void control.send({ type: 'bye', round: 0, node: -1, reason: 'scripted departure' });
    const { outcome, rounds } = await coordinate({ 'h-a': leave, 'h-b': leave });
    expect(outcome).toMatchObject({ code: 'runtime', message: expect.stringMatching(/every gossip peer was lost/) });
    expect(rounds).toEqual([]);
  });
});
