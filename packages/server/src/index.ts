export type {
  AggregateStream,
  AggregationContext,
  Aggregator,
  AggregatorQuorum,
  AggregatorUpdate,
  ClientSensitivity,
} from './aggregators/aggregator.js';
export type { AggregatorKind } from './aggregators/aggregator-kind.js';
export type { MakeAggregatorOptions } from './aggregators/aggregator-table.js';
export { aggregatorSchema, aggregators, makeAggregator } from './aggregators/aggregator-table.js';
export type { ClientDpLedger } from './aggregators/client-dp.js';
export { CLIP_SLACK, withClientDp } from './aggregators/client-dp.js';
export { MEAN_KIND, meanAggregator } from './aggregators/mean.js';
export type { DownlinkState, DownlinkTarget, ModelMessage } from './downlink.js';
export { Downlink } from './downlink.js';
export type { InlineClients, InlineCompression, InlineRunOptions } from './inline-runtime.js';
export { runInline } from './inline-runtime.js';
export { ParameterServer } from './parameter-server/parameter-server.js';
export type { RoundCallback } from './parameter-server/round-reporter.js';
export type { ServerLog } from './parameter-server/server-log.js';
export type { ZmqRunReport, ZmqServerOptions } from './parameter-server/server-options.js';
export { failureCounts, failureKinds } from './round-failures.js';
export { RoundMachine } from './round-machine.js';
export type {
  Participation,
  RoundHooks,
  RoundMachineOptions,
  RoundPlan,
  RoundSummary,
  ServerCommand,
  ServerEvent,
} from './round-types.js';
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
export { runZmqServer } from './zmq-server.js';
