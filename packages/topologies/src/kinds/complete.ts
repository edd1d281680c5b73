import { completeGraph } from '../families/deterministic.js';
import { nodesOnlyFamily } from './topology-kind.js';

/** `complete`: see {@link completeGraph}; `nodes` ≥ 2. */
export const completeFamily = nodesOnlyFamily('complete', 2, completeGraph);
