import { makeModel, Rng } from '@starling/core';
import type { GossipSetup } from './gossip-setup.js';

/**
 * x_i⁰ of peer `node`. D-PSGD peers all start from the model initialization a parameter-server run
 * uses (`Rng.fromSeed(seed).fork('model')`), so the consensus error starts at 0; consensus peers start
 * from independent N(0, 1) vectors of the model's size, drawn from `Rng.fromSeed(seed).fork('consensus', node)`.
 */
export function initialModel(setup: GossipSetup, node: number): Float32Array {
  const model = makeModel(setup.node.model, setup.inputs, setup.classes, setup.node.loss);
  const x = new Float32Array(model.layout.size);
  const root = Rng.fromSeed(setup.node.seed);
  if (setup.algorithm.kind === 'consensus') root.fork('consensus', node).fillNormal(x, 0, 1);
  else model.init(x, root.fork('model'));
  return x;
}
