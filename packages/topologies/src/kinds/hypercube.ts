import { hypercubeGraph } from '../families/deterministic.js';
import { nodesOnlyFamily } from './topology-kind.js';

/** `hypercube`: see {@link hypercubeGraph}; `nodes` ≥ 2. */
export const hypercubeFamily = nodesOnlyFamily('hypercube', 2, hypercubeGraph);
