import type { LocalPlan } from '@starling/core';
import type { InlineClients } from '@starling/server';

/**
 * An inline client set's `train` (and `replay`) with each client's own local plan (`systems.localWork`) in place of the
 * run's: what worker hosts do with `HostSetup.local`.
 */
export function perClientPlan(
  clients: InlineClients,
  plans: readonly LocalPlan[],
): Pick<InlineClients, 'train' | 'replay'> {
  const replay = clients.replay?.bind(clients);
  return {
    train: (id, global, round, plan, delta, sink) => clients.train(id, global, round, plans[id] ?? plan, delta, sink),
    ...(replay
      ? { replay: (id, global, round, plan, delta) => replay(id, global, round, plans[id] ?? plan, delta) }
      : {}),
  };
}
