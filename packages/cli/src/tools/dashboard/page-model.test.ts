import { describe, expect, it } from 'vitest';
import { applyEvent, emptyModel } from './page-model.js';

describe('the page model', () => {
  it('builds progress, series, hosts, peers, failures and the end status from events', () => {
    const m = emptyModel();
    const events = [
      {
        kind: 'start',
        name: 'demo',
        rounds: 3,
        family: 'federated',
        algorithm: 'fedavg',
        runtime: 'threads',
        out: '/r',
        t: 0.5,
      },
      { kind: 'host', host: 'host-0', state: 'joined', round: -1, reason: null, t: 0.6 },
      {
        kind: 'round',
        line: {
          round: 0,
          train_loss: 2,
          test_loss: 1.5,
          test_accuracy: 0.5,
          bytes_up: 10,
          bytes_down: 20,
          epsilon: 0.3,
          failures: 0,
          failure_reasons: {},
        },
        evaluated: true,
        t: 1,
      },
      { kind: 'straggler', round: 1, node: 4, reason: 'deadline', count: 1, t: 1.1 },
      {
        kind: 'round',
        line: {
          round: 1,
          train_loss: 1,
          test_loss: null,
          test_accuracy: null,
          bytes_up: 11,
          bytes_down: 21,
          epsilon: 0.4,
          failures: 1,
          failure_reasons: { deadline: 1 },
        },
        evaluated: false,
        t: 2,
      },
      { kind: 'host', host: 'host-0', state: 'lost', round: 2, reason: 'disconnected: x', t: 2.5 },
      { kind: 'peer', peer: 3, state: 'lost', round: 2, t: 2.6 },
      { kind: 'something-newer', t: 2.7 },
      { kind: 'end', status: 'failed', reason: 'boom', lastRound: 1, t: 3 },
    ];
    for (const e of events) applyEvent(m, e);
    expect(m).toMatchObject({ name: 'demo', rounds: 3, round: 1, status: 'failed', reason: 'boom', t: 3 });
    expect(m.accuracy).toEqual([[0, 0.5]]);
    expect(m.trainLoss).toEqual([
      [0, 2],
      [1, 1],
    ]);
    expect(m.bytes).toEqual([
      [0, 10, 20],
      [1, 11, 21],
    ]);
    expect(m.bytesTotal).toEqual({ up: 21, down: 41 });
    expect(m.epsilon).toEqual([
      [0, 0.3],
      [1, 0.4],
    ]);
    expect(m.failures).toEqual([{ round: 1, failures: 1, reasons: { deadline: 1 }, late: 0, dropped: 0 }]);
    expect(m.hosts['host-0']).toEqual({ state: 'lost', round: 2, t: 2.5, reason: 'disconnected: x' });
    expect(m.peers['3']).toEqual({ state: 'lost', round: 2 });
    expect(m.stragglers).toEqual([{ round: 1, node: 4, reason: 'deadline', count: 1 }]);
  });

  it('is self-contained, so the page can embed its source', () => {
    const make = new Function(`${emptyModel.toString()}\n${applyEvent.toString()}\nreturn { emptyModel, applyEvent };`);
    const embedded = make() as { emptyModel: typeof emptyModel; applyEvent: typeof applyEvent };
    const m = embedded.emptyModel();
    embedded.applyEvent(m, {
      kind: 'round',
      line: { round: 0, test_accuracy: 0.9, consensus_error: 1e-3 },
      evaluated: true,
    });
    expect(m.accuracy).toEqual([[0, 0.9]]);
    expect(m.consensus).toEqual([[0, 1e-3]]);
  });
});
