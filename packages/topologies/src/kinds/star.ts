import { starGraph } from '../families/deterministic.js';
import { nodesOnlyFamily } from './topology-kind.js';

/** `star`: see {@link starGraph}; `nodes` ≥ 2. */
export const starFamily = nodesOnlyFamily('star', 2, starGraph);
