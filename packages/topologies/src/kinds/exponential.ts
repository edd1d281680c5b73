import { exponentialGraph } from '../families/deterministic.js';
import { nodesOnlyFamily } from './topology-kind.js';

/** `exponential`: see {@link exponentialGraph}; `nodes` ≥ 2. */
export const exponentialFamily = nodesOnlyFamily('exponential', 2, exponentialGraph);
