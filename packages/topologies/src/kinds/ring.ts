import { ringGraph } from '../families/deterministic.js';
import { nodesOnlyFamily } from './topology-kind.js';

/** `ring`: see {@link ringGraph}; `nodes` ≥ 3. */
export const ringFamily = nodesOnlyFamily('ring', 3, ringGraph);
