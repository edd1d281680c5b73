import { errors } from '@starling/core';
import { buildTopology, validateMixing } from '@starling/topologies';
import type { GossipSetup } from './gossip-setup.js';
import { RoundTopology } from './round-topology.js';

/**
 * The run's mixing schedule, built from `setup.topology` exactly as every host builds it. A static W must
 * be symmetric, doubly stochastic and connected (so that gossip preserves and reaches the mean);
 * time-varying schedules have their fixed, doubly stochastic weights and are refused with CHOCO
 * (`setup.choco`), whose public copies need the same neighbours in every round.
 */
export function gossipTopology(setup: GossipSetup): RoundTopology {
  const topo = buildTopology(setup.topology, 'algorithm.topology');
  if (topo.schedule.n !== setup.peers) {
    throw errors.option('algorithm.topology.nodes', `equal to algorithm.peers (${setup.peers})`, topo.schedule.n);
  }
  if (topo.mixing) validateMixing(topo.mixing, { path: 'algorithm.topology.weights' });
  else if (setup.choco) {
    // CHOCO keeps public copies of fixed neighbours: every holder of x̂_j must receive every q_j.
    throw errors.option(
      'algorithm.topology.kind',
      'a static topology with compression.gossip (CHOCO-SGD keeps public copies of fixed neighbours; a time-varying schedule changes them every round)',
      setup.topology.kind,
    );
  }
  return new RoundTopology(topo.schedule);
}
