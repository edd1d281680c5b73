import type { OutgoingHeader } from './messages.js';
import type { MessageType } from './protocol.js';

/**
 * One valid outgoing header of every message type (as an application writes it: no `v`, `seq` or
 * `tensors`). docs/protocol.md shows the same messages; tests and other-language clients start here.
 */
export const EXAMPLE_HEADERS: { readonly [T in MessageType]: Extract<OutgoingHeader, { type: T }> } = {
  hello: {
    type: 'hello',
    run: '',
    round: 0,
    node: -1,
    host: 'host-0',
    caps: { kernels: 'native', cores: 2, version: '0.1.0' },
    nodes: [
      { id: 0, samples: 600 },
      { id: 1, samples: 540 },
    ],
  },
  welcome: {
    type: 'welcome',
    run: 'fedavg-mnist-1',
    round: 0,
    node: -1,
    host: 'host-0',
    nodes: [0, 1],
    config: { model: { kind: 'mlp', hidden: [200, 200] }, optimizer: { kind: 'sgd', lr: 0.05 } },
    digest: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    heartbeatMs: 500,
    timeoutMs: 3000,
  },
  task: {
    type: 'task',
    run: 'fedavg-mnist-1',
    round: 3,
    node: -1,
    nodes: [1],
    model: 'full',
    config: { epochs: 1, batch: 10, lr: 0.05 },
    deadlineMs: 30_000,
  },
  update: {
    type: 'update',
    run: 'fedavg-mnist-1',
    round: 3,
    node: 1,
    weight: 540,
    metrics: { train_loss: 0.4213, steps: 54 },
  },
  updates: {
    type: 'updates',
    run: 'fedavg-mnist-1',
    round: 3,
    node: -1,
    entries: [
      { node: 1, weight: 8, metrics: { train_loss: 0.4213, steps: 1 } },
      { node: 4, weight: 8, metrics: { train_loss: 0.3977, steps: 1 } },
    ],
  },
  heartbeat: { type: 'heartbeat', run: 'fedavg-mnist-1', round: 3, node: -1 },
  bye: { type: 'bye', run: 'fedavg-mnist-1', round: 10, node: -1, reason: 'run finished' },
  error: {
    type: 'error',
    run: 'fedavg-mnist-1',
    round: 3,
    node: -1,
    code: 'schema',
    message: 'header.weight must be a finite number in [0, 9007199254740991], got NaN',
    ref: 17,
  },
  gossip: { type: 'gossip', run: 'dpsgd-ring-16', round: 7, node: 4, to: 5 },
  lost: { type: 'lost', run: 'dpsgd-ring-16', round: 7, node: -1, host: 'p-05', nodes: [5] },
  'node-state': { type: 'node-state', run: 'fedavg-mnist-1', round: 9, node: 1, op: 'node', step: 27, slots: 1 },
  proceed: { type: 'proceed', run: 'dpsgd-ring-16', round: 8, node: -1 },
  snapshot: { type: 'snapshot', run: 'dpsgd-ring-16', round: 7, node: -1 },
  hold: { type: 'hold', run: 'dpsgd-ring-16', round: 7, node: -1 },
  moved: {
    type: 'moved',
    run: 'dpsgd-ring-16',
    round: 12,
    node: -1,
    host: 'p-05b',
    nodes: [5],
    endpoint: 'tcp://10.0.0.7:7100',
    key: '',
  },
  'peer-state': {
    type: 'peer-state',
    run: 'dpsgd-ring-16',
    round: 7,
    node: 4,
    state: { node: 4, x: { $tensor: 'x' }, optimizer: null, choco: null },
  },
};
