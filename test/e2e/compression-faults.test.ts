import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCompressor, makeLayout, Rng } from '@starling/core';
import { DealerEndpoint } from '@starling/transport';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../cli/cli-helpers.js';
import { metrics, smallFedAvg, startCluster, startStarling, testPort, waitFor } from './e2e-helpers.js';

const PARAMS = 784 * 32 + 32 + 32 * 10 + 10;
const quiet = { warn: () => {}, debug: () => {} };

/** Valid top-k payloads for the small MLP, then broken in the ways a decoder must catch. */
function hostilePayloads(): { codec: string; bytes: Uint8Array }[] {
  const layout = makeLayout([{ name: 'w', shape: [PARAMS] }]);
  const x = new Float32Array(PARAMS);
  Rng.fromSeed(1).fillNormal(x);
  const good = makeCompressor({ kind: 'topk', ratio: 0.01 }, layout).compress(x, {
    rng: Rng.fromSeed(2),
    round: 0,
  }).bytes;
  const outOfRange = good.slice();
  outOfRange.set([0xff, 0xff, 0xff, 0x7f], 12 + 4 * 255); // the first index gap becomes 2^28 - 1 > d
  const qsgd = makeCompressor({ kind: 'qsgd', levels: 4 }, layout).compress(x, {
    rng: Rng.fromSeed(3),
    round: 0,
  }).bytes;
  return [
    { codec: 'topk', bytes: good.slice(0, good.length - 3) }, // truncated
    { codec: 'topk', bytes: outOfRange },
    { codec: 'topk', bytes: qsgd }, // the wrong kind under the configured codec
    { codec: 'qsgd', bytes: qsgd }, // a kind the server did not configure
    { codec: 'topk', bytes: new Uint8Array(9) }, // a header of a zero version
  ];
}

describe('compressed updates over real sockets', () => {
  it('malformed top-k payloads from a host are rejected as failures of its nodes; the run goes on', async () => {
    const out = join(tempDir(), 'run');
    const address = `tcp://127.0.0.1:${testPort(40)}`;
    const sets = [
      'algorithm.rounds=3',
      'algorithm.minCompletion=0.5',
      'compression.up={kind: topk, ratio: 0.01, errorFeedback: true}',
    ].flatMap((s) => ['--set', s]);
    const server = startStarling(['server', ...smallFedAvg, ...sets, '--bind', address, '--hosts', '2', '--out', out]);
    await waitFor(() => server.err().includes('listening on'), 30_000, 'server to listen');
    const good = startStarling(['worker', '--connect', address, '--host-id', 'a-good', '--threads', '1']);
    const payloads = hostilePayloads();
    let sent = 0;
    const evil: DealerEndpoint = DealerEndpoint.connect(address, {
      routingId: 'z-evil',
      log: quiet,
      onMessage: (m) => {
        const h = m.header;
        if (h.type === 'welcome') evil.setRun(h.run);
        if (h.type !== 'task') return;
        evil.setRound(h.round);
        for (const node of h.nodes) {
          const p = payloads[sent++ % payloads.length];
          void evil.send({ type: 'update', round: h.round, node, weight: 1, metrics: { train_loss: 1 } }, [
            { name: 'delta', data: p.bytes, codec: p.codec },
          ]);
        }
      },
    });
    void evil.send({
      type: 'hello',
      round: 0,
      node: -1,
      host: 'z-evil',
      caps: { kernels: 'js', cores: 1, version: '0.1.0' },
      nodes: [],
    });
    expect(await server.exit).toBe(0);
    await evil.close({ lingerMs: 0 });
    await good.exit;
    const lines = metrics(out);
    expect(lines).toHaveLength(3);
    // Hosts are sorted by id: a-good carries nodes 0-4, z-evil nodes 5-9, whose every update is refused.
    for (const l of lines) {
      expect(l.participants).toBe(5);
      expect(l.failures).toBe(5);
      expect(l.aggregated).toBe(true);
    }
    expect(sent).toBe(15);
    const { rejected } = JSON.parse(readFileSync(join(out, 'links.json'), 'utf8'));
    expect(rejected.update).toBe(15);
    expect(server.err()).not.toMatch(/\n\s+at /);
  });

  it('a frozen host that re-registers gets the raw public model, then deltas again, and trains on', async () => {
    const out = join(tempDir(), 'run');
    const set = [
      'algorithm.rounds=150',
      'eval.every=1000',
      'compression.up={kind: qsgd, levels: 4}',
      'compression.down={kind: topk, ratio: 0.1}',
    ];
    const { server, workers } = await startCluster(41, ['a', 'b'], set, out);
    await waitFor(() => metrics(out).length >= 3, 60_000, 'three rounds');
    workers.b.child.kill('SIGSTOP');
    const frozenAt = metrics(out).length;
    await waitFor(
      () => metrics(out).some((l, i) => i >= frozenAt && (l.failures as number) > 0),
      10_000,
      'the frozen host to be dropped',
    );
    const droppedAt = metrics(out).length;
    workers.b.child.kill('SIGCONT');
    await waitFor(
      () => metrics(out).some((l, i) => i > droppedAt && l.participants === 10 && l.failures === 0),
      30_000,
      'the host to rejoin',
    );
    expect(await server.exit).toBe(0);
    await Promise.all([workers.a.exit, workers.b.exit]);
    const lines = metrics(out);
    expect(lines).toHaveLength(150);
    // Steady rounds send each host one top-k delta (12 + 4k + gaps bytes), far below the raw 4d.
    const steady = lines.slice(-5).map((l) => l.payload_bytes_down as number);
    for (const b of steady) expect(b).toBeLessThan(2 * 0.6 * 4 * PARAMS);
    expect(lines[0].payload_bytes_down).toBe(2 * 4 * PARAMS);
    // The re-registered host holds nothing: it gets the raw x̂ (4d bytes) once, the other host a delta.
    const rejoinRound = lines.findIndex((l, i) => i > droppedAt && (l.payload_bytes_down as number) >= 4 * PARAMS);
    expect(rejoinRound).toBeGreaterThan(droppedAt);
    expect(lines[rejoinRound].payload_bytes_down).toBeLessThan(2 * 4 * PARAMS);
  }, 90_000);
});
