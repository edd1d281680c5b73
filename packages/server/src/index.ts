export type {
  AggregateStream,
  AggregationContext,
  Aggregator,
  AggregatorQuorum,
  AggregatorState,
  AggregatorUpdate,
  ClientSensitivity,
} from './aggregators/aggregator.js';
export type { AggregatorKind } from './aggregators/aggregator-kind.js';
export type { MakeAggregatorOptions } from './aggregators/aggregator-table.js';
export { aggregatorSchema, aggregators, makeAggregator } from './aggregators/aggregator-table.js';
// Byzantine-robust aggregators (issue 15; docs/robustness.md).
export { bucketingOption, bucketMeans } from './aggregators/bucketing.js';
export type { CenteredClipOptions } from './aggregators/centered-clip.js';
export { CENTERED_CLIP_KIND, centeredClipAggregator } from './aggregators/centered-clip.js';
export type { ClientDpLedger } from './aggregators/client-dp.js';
export { CLIP_SLACK, withClientDp } from './aggregators/client-dp.js';
export { stepsOf, withFedNova } from './aggregators/fednova.js';
export { GEOMED_KIND, geomedAggregator } from './aggregators/geomed.js';
export { KRUM_KIND, krumAggregator } from './aggregators/krum.js';
export { krumNeighbours, krumScores } from './aggregators/krum-scores.js';
export { MEAN_KIND, meanAggregator } from './aggregators/mean.js';
export { MEDIAN_KIND, medianAggregator } from './aggregators/median.js';
export { MULTI_KRUM_KIND, multiKrumAggregator } from './aggregators/multi-krum.js';
export { NORM_BOUND_KIND, normBoundAggregator } from './aggregators/norm-bound.js';
export type { ScaffoldControl, ScaffoldOptions } from './aggregators/scaffold.js';
export { withScaffold } from './aggregators/scaffold.js';
export { TRIMMED_MEAN_KIND, trimmedMeanAggregator } from './aggregators/trimmed-mean.js';
export type { WeiszfeldOptions } from './aggregators/weiszfeld.js';
export { weiszfeld } from './aggregators/weiszfeld.js';
// Asynchronous FL (issue 16): FedAsync and FedBuff as an event simulation on the virtual clock.
export type { AppliedUpdate, ArrivedUpdate, AsyncRule } from './async/async-rule.js';
export type { AsyncRoundRecord, AsyncSimOptions, AsyncTrainResult } from './async/async-sim.js';
export { OFFLINE_RETRY_S, runAsyncSim } from './async/async-sim.js';
export type { AsyncSimState, HeldUpdateState, SimEventState } from './async/async-sim-state.js';
export { fedAsyncRule } from './async/fedasync-rule.js';
export type { FedBuffOptions } from './async/fedbuff-rule.js';
export { fedBuffRule } from './async/fedbuff-rule.js';
export { IdlePool } from './async/idle-pool.js';
export type { StalenessSpec } from './async/staleness.js';
export { stalenessSchema, stalenessWeight } from './async/staleness.js';
export type {
  ArrivalOutcome,
  AsyncLoopOptions,
  AsyncSocketRecord,
  SocketUpdate,
} from './async-server/async-loop.js';
export { AsyncLoop } from './async-server/async-loop.js';
export type {
  AsyncRunReport,
  AsyncServerOptions,
  AsyncSocketTraffic,
  AsyncUpdateCallback,
} from './async-server/async-server-options.js';
export type { Flight } from './async-server/flights.js';
export { runAsyncServer } from './async-server/run-async-server.js';
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
