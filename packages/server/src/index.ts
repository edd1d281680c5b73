export type { DownlinkTarget, ModelMessage } from './downlink.js';
export { Downlink } from './downlink.js';
export type { InlineCompression } from './inline-runtime.js';
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
export { ServerOptimizer } from './server-optimizer.js';
export { adaptiveSchema, adaptiveStep } from './server-optimizers/adaptive.js';
export type { ServerMoments, ServerOptimizerKind, ServerStep } from './server-optimizers/server-optimizer-kind.js';
export { serverOptimizerKind } from './server-optimizers/server-optimizer-kind.js';
export type { ServerOptimizerInput, ServerOptimizerSpec } from './server-optimizers/server-optimizer-table.js';
export { serverOptimizerSchema, serverOptimizers } from './server-optimizers/server-optimizer-table.js';
export type { RoundTraffic } from './traffic.js';
export { TrafficMeter } from './traffic.js';
export type { IncomingUpdate } from './update-decoder.js';
export { UpdateDecoder } from './update-decoder.js';
export { cappedWeights } from './weights.js';
export type { ServerLog, ZmqRunReport, ZmqServerOptions } from './zmq-server.js';
export { runZmqServer } from './zmq-server.js';
