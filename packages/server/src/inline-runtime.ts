import type { LocalPlan, NodeTrainer } from '@starling/core';
import type { RoundMachine, RoundSummary, ServerCommand } from './round-machine.js';

/**
 * Runs a federated experiment with every node in this thread and an in-memory transport: dispatches
 * train the selected nodes in node-id order and feed their updates straight back to the round logic.
 * Deadlines never fire (every node answers synchronously). Calls `onRound` after each closed round,
 * before the next round is dispatched, with the global model as it stands after aggregation.
 */
export async function runInline(
  machine: RoundMachine,
  nodes: ReadonlyMap<number, NodeTrainer>,
  plan: LocalPlan,
  onRound: (summary: RoundSummary) => void | Promise<void>,
): Promise<number> {
  const deltas = new Map<number, Float32Array>();
  const queue: ServerCommand[] = machine.handle({ type: 'start' });
  let completed = 0;
  while (queue.length > 0) {
    const cmd = queue.shift()!;
    switch (cmd.type) {
      case 'dispatch':
        for (const id of cmd.nodes) {
          const node = nodes.get(id);
          if (!node) {
            queue.push(...machine.handle({ type: 'failure', round: cmd.round, node: id, reason: 'unknown node' }));
            continue;
          }
          let delta = deltas.get(id);
          if (!delta) deltas.set(id, (delta = new Float32Array(cmd.model.length)));
          const r = node.train(cmd.model, cmd.round, plan, delta);
          queue.push(
            ...machine.handle({
              type: 'update',
              round: cmd.round,
              node: id,
              samples: r.samples,
              trainLoss: r.trainLoss,
              delta,
            }),
          );
        }
        break;
      case 'round-closed':
        await onRound(cmd.summary);
        break;
      case 'finished':
        completed = cmd.completedRounds;
        break;
      case 'arm-deadline':
      case 'rejected':
        break;
    }
  }
  return completed;
}
