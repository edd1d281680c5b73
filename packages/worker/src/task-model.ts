import type { DecodedTensor, OutgoingHeader } from '@starling/transport';
import type { ModelReceiver } from './model-receiver.js';

/**
 * The model a worker host's task trains from (`kind` full or delta, its model `tensors`), or null: with
 * no `receiver` (no layout) the first tensor as sent; else what the receiver rebuilds. A delta that does
 * not fit the held copy resets the receiver and answers each of `nodes` with `error` code `stale-model`.
 */
export function receiveTaskModel(
  receiver: ModelReceiver | null,
  task: { round: number; nodes: readonly number[]; kind: 'full' | 'delta'; tensors: readonly DecodedTensor[] },
  log: { warn(obj: object, msg: string): void },
  send: (header: OutgoingHeader) => Promise<unknown>,
): Float32Array | null {
  const { round, nodes, kind, tensors } = task;
  if (!receiver) {
    const data = tensors[0]?.data;
    return data instanceof Float32Array ? data : null;
  }
  try {
    return receiver.receive(round, kind, tensors);
  } catch (err) {
    receiver.reset();
    log.warn({ err, round }, 'task model rejected');
    const message = String(err).slice(0, 1000);
    for (const node of nodes) void send({ type: 'error', round, node, code: 'stale-model', message, ref: -1 });
    return null;
  }
}

/**
 * A task's tensors split into SCAFFOLD's c (the tensor `control`, which rides with the model; copied, the
 * frame is not ours) and the model tensors.
 */
export function splitControl(tensors: readonly DecodedTensor[]): {
  control: Float32Array | undefined;
  tensors: readonly DecodedTensor[];
} {
  const c = tensors.find((t) => t.name === 'control');
  const control = c?.data instanceof Float32Array ? c.data.slice() : undefined;
  return { control, tensors: c ? tensors.filter((t) => t !== c) : tensors };
}
