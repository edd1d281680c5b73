export type { DownlinkTarget, ModelMessage } from './downlink.js';
export { Downlink } from './downlink.js';
export type { InlineClients, InlineCompression } from './inline-runtime.js';
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
export type { RoundTraffic } from './traffic.js';
export { TrafficMeter } from './traffic.js';
export type { IncomingUpdate } from './update-decoder.js';
export { UpdateDecoder } from './update-decoder.js';
export { cappedWeights } from './weights.js';
export type { ServerLog, ZmqRunReport, ZmqServerOptions } from './zmq-server.js';
export { runZmqServer } from './zmq-server.js';
