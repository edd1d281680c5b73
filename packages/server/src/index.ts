export { runInline } from './inline-runtime.js';
export type {
  AggregationInput,
  Participation,
  RoundHooks,
  RoundPlan,
  RoundSummary,
  ServerCommand,
  ServerEvent,
} from './round-machine.js';
export { RoundMachine } from './round-machine.js';
export type { ServerOptimizerSpec } from './server-optimizer.js';
export { SERVER_OPTIMIZER_KINDS, ServerOptimizer } from './server-optimizer.js';
export { cappedWeights } from './weights.js';
export type { RoundTraffic, ServerLog, ZmqRunReport, ZmqServerOptions } from './zmq-server.js';
export { runZmqServer } from './zmq-server.js';
