// Adversaries (issue 15, attacks as node behaviour; docs/robustness.md "Attacks")
export type { AdversarialParts, NodeExecutor } from './adversary/adversarial-executor.js';
export { AdversarialExecutor } from './adversary/adversarial-executor.js';
export type { AdversarySpec, AttackKind, AttackSpec, Knowledge } from './adversary/attack-spec.js';
export { ATTACK_KINDS, adversarySchema, attackSchema, KNOWLEDGE_KINDS, knowledgeOf } from './adversary/attack-spec.js';
export type { AttackInputs } from './adversary/attacks.js';
export { applyAttack, needsReference } from './adversary/attacks.js';
export { chooseByzantine } from './adversary/byzantine-nodes.js';
export { flipLabels } from './adversary/flip-labels.js';
export type { NodeAdversary } from './adversary/node-adversary.js';
export { nodeAdversarySchema } from './adversary/node-adversary.js';
export type { NodeExecutorSetup } from './adversary/node-executor.js';
export { makeNodeExecutor } from './adversary/node-executor.js';
export { alieZ, normalQuantile } from './adversary/normal-quantile.js';
export type { ParticipationDraw } from './adversary/participants.js';
export { drawParticipants, participationSchema } from './adversary/participants.js';
export type { PeerAttack } from './adversary/peer-attack.js';
export { peerAttack } from './adversary/peer-attack.js';
export type { ReferenceSetup, ReferenceStats } from './adversary/reference-updates.js';
export { ReferenceUpdates } from './adversary/reference-updates.js';
export { RunningMoments } from './adversary/running-moments.js';
export type { CompressKernels } from './compress/compress-kernels.js';
export { compressKernelsOf, jsCompressKernels } from './compress/compress-kernels.js';
export type {
  CompressContext,
  Compressor,
  CompressorKind,
  CompressorState,
  Encoded,
} from './compress/compressor.js';
export { CompressorBank } from './compress/compressor-bank.js';
export type { CompressorEntry, CompressorSpecBase, Encoder, EncoderOptions } from './compress/compressor-entry.js';
export { compressorSchemaOf } from './compress/compressor-entry.js';
export type { BuiltinCompressorKind, CompressorSpec, ResolvedCompressorSpec } from './compress/compressors.js';
export {
  COMPRESSOR_KINDS,
  compressorEntry,
  compressorSchema,
  compressors,
  parseCompressorSpec,
  readHeader,
  registerCompressor,
} from './compress/compressors.js';
export { decodeCompressed } from './compress/decode.js';
export { withErrorFeedback } from './compress/error-feedback.js';
export { bf16BitsToNumber, f16BitsToNumber, f32BitsToBf16, f32BitsToF16 } from './compress/half.js';
export type { MakeCompressorOptions } from './compress/make-compressor.js';
export { makeCompressor } from './compress/make-compressor.js';
export { powerSgdFloats } from './compress/power-sgd.js';
export { QSGD_MAX_LEVELS } from './compress/qsgd.js';
export { qsgdCodeBits } from './compress/qsgd-kernels.js';
export { sparsityCount } from './compress/sparsity.js';
export type { PayloadHeader, WireKind } from './compress/wire.js';
export { HEADER_BYTES, newPayload, WIRE_VERSION } from './compress/wire.js';
export type { DataContext, DataKind } from './data/data-kind.js';
export { applyLimits, dataKind, limitOptions, nTestOption, testSize } from './data/data-kind.js';
export type { DataInputSpec, DataSpec, GroundTruth } from './data/data-spec.js';
export { DATA_KINDS, dataKinds, dataSpecSchema } from './data/data-spec.js';
export type { DataSplit, Dataset } from './data/dataset.js';
export { batchInto, makeDataset, subset } from './data/dataset.js';
export { FASHION_MNIST_DIR, fashionMnistFiles, hasFashionMnist, loadFashionMnist } from './data/fashion-mnist.js';
export type { IdxArray, IdxType } from './data/idx.js';
export { IDX_TYPES, readIdx } from './data/idx.js';
export type { IdxFiles } from './data/idx-dataset.js';
export { loadIdx, readIdxImages, readIdxLabels } from './data/idx-dataset.js';
export { encodeIdx } from './data/idx-write.js';
export type { LoadDataOptions, LoadedData } from './data/load-data.js';
export { loadData } from './data/load-data.js';
export { bundledMnist, loadMnist } from './data/mnist.js';
export { dirichletPartition, partitionDirichlet } from './data/partition/dirichlet.js';
export { sampleDirichlet, sampleGamma, sampleLogGamma } from './data/partition/gamma.js';
export { iidPartition, partitionIid } from './data/partition/iid.js';
export { lognormalPartition, partitionLognormal } from './data/partition/lognormal.js';
export type { PartitionInputSpec, PartitionSpec } from './data/partition/partition.js';
export {
  classCount,
  PARTITION_KINDS,
  partition,
  partitionSchema,
  partitions,
} from './data/partition/partition.js';
export type { PartitionInput, PartitionKind } from './data/partition/partition-kind.js';
export { partitionKind } from './data/partition/partition-kind.js';
export { partitionShards, shardsPartition } from './data/partition/shards.js';
export type { ClientSummary, PartitionSummary } from './data/partition/summary.js';
export { summarizePartition } from './data/partition/summary.js';
export type { QuadraticConsensusOptions } from './data/quadratic-consensus.js';
export { consensusObjective, quadraticConsensus } from './data/quadratic-consensus.js';
export { stratifiedSplit } from './data/split.js';
export type { SyntheticBlobsOptions } from './data/synthetic-blobs.js';
export { syntheticBlobs } from './data/synthetic-blobs.js';
export type { SyntheticLinearOptions } from './data/synthetic-linear.js';
export { syntheticLinear } from './data/synthetic-linear.js';
export type { SyntheticLogisticOptions } from './data/synthetic-logistic.js';
export { syntheticLogistic } from './data/synthetic-logistic.js';
export type { StarlingErrorCode } from './errors.js';
export { errors, StarlingError, USAGE_CODES } from './errors.js';
export { activate, activateDerivative } from './kernels/activations.js';
export type { Conv2dShape } from './kernels/conv-geometry.js';
export { conv2dGeometry } from './kernels/conv-geometry.js';
export { jsConvKernels } from './kernels/conv-js.js';
export type { Conv2dGeometry, ConvKernels } from './kernels/conv-kernels.js';
export { jsKernels } from './kernels/js.js';
export type { Activation, Kernels, OptimizerStep } from './kernels/kernels.js';
export { ACTIVATIONS, OPTIMIZER_STATE_SLOTS } from './kernels/kernels.js';
export { firstNonFinite } from './kernels/non-finite.js';
export type { Layout, TensorSpec } from './layout.js';
export { makeLayout, tensorView } from './layout.js';
export { InterruptGrace } from './lifecycle/interrupt-grace.js';
export type { DenseNetSpec } from './models/dense-net.js';
export { DenseNet } from './models/dense-net.js';
export type { InitKind } from './models/init.js';
export { initWeight } from './models/init.js';
export type { FeatureShape, Layer } from './models/layers/layer.js';
export type { LossKind, LossSpec, Targets } from './models/losses.js';
export { checkLossFits, LOSS_KINDS, lossForwardBackward, lossSpecSchema } from './models/losses.js';
export type { ModelSpec } from './models/make-model.js';
export { INIT_KINDS, MODEL_KINDS, makeModel, modelSpecSchema, withModelInput } from './models/make-model.js';
export type { Model, PerExampleClip } from './models/model.js';
export { Sequential } from './models/sequential.js';
export type { LayerSpec } from './models/sequential-spec.js';
export { CNN_FEDAVG_LAYERS, layerSpecSchema } from './models/sequential-spec.js';
export { clipGlobalNorm } from './optim/clip.js';
export type { OptimizerMemory, OptimizerState, StepReport } from './optim/optimizer.js';
export { freshOptimizerMemory, Optimizer } from './optim/optimizer.js';
export type {
  OptimizerEntry,
  OptimizerKind,
  OptimizerOptions,
  OptimizerOptionsBase,
  OptimizerSpec,
} from './optim/optimizer-kinds.js';
export { OPTIMIZER_KINDS, optimizerSchema, optimizers } from './optim/optimizer-kinds.js';
export type { ResolvedOptimizerSpec } from './optim/optimizer-spec.js';
export { resolveOptimizerSpec } from './optim/optimizer-spec.js';
export type { Schedule, ScheduleEntry, SchedulePaths } from './optim/schedule.js';
export { makeScheduleOf, scheduleTable } from './optim/schedule.js';
export type { ScheduleSpec } from './optim/schedule-kinds.js';
export { makeSchedule, SCHEDULE_KINDS, scheduleSchema } from './optim/schedule-kinds.js';
export type { ZerothOrderOptions } from './optim/zeroth-order.js';
export { estimateGradient } from './optim/zeroth-order.js';
export { analyticGaussianSigma, gaussianDelta } from './privacy/analytic-gaussian.js';
export type { CalibrationTarget } from './privacy/calibrate-noise.js';
export { calibrateNoiseMultiplier, epsilonFloor, epsilonForNoiseMultiplier } from './privacy/calibrate-noise.js';
export type { CentralNoise, UpdatePrivacy } from './privacy/client-dp.js';
export { noisyMeanOfClipped, privatizeUpdate } from './privacy/client-dp.js';
export { clipToNorm, finiteL2Norm, normalizeToNorm } from './privacy/clip.js';
export type { DpSgdOptions, DpSgdRound } from './privacy/dp-sgd.js';
export { checkDpSgdOptions, DpSgdTrainer, dpSgdStepsPerRound, lotSampleRate, poissonLot } from './privacy/dp-sgd.js';
export type { GaussianCalibration, GaussianOptions } from './privacy/gaussian-mechanism.js';
export { gaussianMechanism, gaussianSigma } from './privacy/gaussian-mechanism.js';
export { addGaussianNoise } from './privacy/gaussian-noise.js';
export type { LaplaceOptions } from './privacy/laplace-mechanism.js';
export { laplaceMechanism, laplaceScale } from './privacy/laplace-mechanism.js';
export type { NoiseSource } from './privacy/noise-source.js';
export { addNoise, addSecureGaussianNoise, describeNoiseSource, NOISE_SOURCES } from './privacy/noise-source.js';
export type { PeerLedgersOptions, PeerLedgersState } from './privacy/peer-ledgers.js';
export { PeerLedgers, roundsWithinBudget } from './privacy/peer-ledgers.js';
export type {
  PrivacyEpsilonArgs,
  PrivacyReport,
  PrivacySigmaArgs,
  PrivacySigmaReport,
} from './privacy/privacy-commands.js';
export { formatPrivacyReport, privacyEpsilon, privacySigma } from './privacy/privacy-commands.js';
export type {
  OverBudgetPolicy,
  ParsedPrivacySpec,
  PrivacyMode,
  PrivacySpec,
  ShortfallPolicy,
} from './privacy/privacy-spec.js';
export { privacySpecSchema } from './privacy/privacy-spec.js';
export {
  estimateBinaryFrequency,
  estimateKAryFrequencies,
  kAryRandomizedResponse,
  randomizedResponse,
  randomizedResponseTruthProbability,
} from './privacy/randomized-response.js';
export type {
  RdpAccountantOptions,
  RdpAccountantState,
  RdpLedgerEntry,
  SamplingAssumption,
} from './privacy/rdp-accountant.js';
export { RdpAccountant } from './privacy/rdp-accountant.js';
export type { EpsilonAtOrder, RdpConversion } from './privacy/rdp-conversion.js';
export { epsilonAtOrder, RDP_CONVERSIONS, rdpToEpsilon } from './privacy/rdp-conversion.js';
export { checkOrders, DEFAULT_RDP_ORDERS } from './privacy/rdp-orders.js';
export type { PrivacyRunShape, ResolvedPrivacy } from './privacy/run-plan.js';
export { ceilSignificant, planRunPrivacy } from './privacy/run-plan.js';
export type { ClientRelease, PrivacyRoundStatus, RunPrivacyState } from './privacy/run-privacy.js';
export { BUDGET_STOP, RunPrivacy } from './privacy/run-privacy.js';
export type { SampledGaussianSteps } from './privacy/sampled-gaussian-rdp.js';
export { sampledGaussianRdp, sampledGaussianRdpCurve } from './privacy/sampled-gaussian-rdp.js';
export { philox4x32 } from './rng/philox.js';
export type { RngPosition } from './rng/rng.js';
export { Rng } from './rng/rng.js';
export { coordinateMedian, trimmedMean } from './robust/coordinate-select.js';
export { pairwiseSquaredDistances, squaredDistance8 } from './robust/pairwise-distances.js';
export type { RobustKernels } from './robust/robust-kernels.js';
export { jsRobustKernels, robustKernelsOf } from './robust/robust-kernels.js';
export { formatIssues, issuePath } from './spec/format-issues.js';
export type { KindEntry, KindSpec } from './spec/kind-table.js';
export { KindTable } from './spec/kind-table.js';
export { parseSpec } from './spec/parse-spec.js';
export type { Availability } from './systems/availability.js';
export { ALWAYS_ONLINE, IntervalAvailability, OnOffAvailability } from './systems/availability.js';
export type { Distribution, Tier } from './systems/distribution.js';
export { checkDistribution, drawFrom, meanOf } from './systems/distribution.js';
export type { ClientTiming, PlannedWork } from './systems/local-work.js';
export { clientPlan, clientTiming, plannedWork } from './systems/local-work.js';
export type { LossDirection, PacketLoss } from './systems/packet-loss.js';
export { expectedRetransmitSeconds, retransmitSeconds, SEGMENT_BYTES } from './systems/packet-loss.js';
export type {
  AvailabilitySpec,
  ClientProfile,
  ComputeSpec,
  LocalWorkSpec,
  NetworkSpec,
  SystemsSpec,
  TraceSpec,
} from './systems/profile.js';
export { checkSystemsSpec, drawProfiles } from './systems/profile.js';
export type { GateOutcome, RoundGate } from './systems/round-gate.js';
export type { SyncRoundsOptions, VirtualRoundRecord } from './systems/sync-rounds.js';
export { SyncRounds } from './systems/sync-rounds.js';
export type { TraceRow } from './systems/trace.js';
export { parseTrace } from './systems/trace.js';
export type { ClockEvent } from './systems/virtual-clock.js';
export { VirtualClock } from './systems/virtual-clock.js';
export type { Batch, TrainingData } from './train/batch.js';
export { gather, makeBatch } from './train/batch.js';
export type { ClientJob } from './train/client-executor.js';
export { ClientExecutor } from './train/client-executor.js';
export type { Evaluation } from './train/evaluate.js';
export { evaluate } from './train/evaluate.js';
export type {
  DeltaSink,
  DeltaSinkSource,
  LocalPlan,
  LocalResult,
  NodePrivacy,
  StepOptimizer,
} from './train/local-training.js';
export { NodeTrainer } from './train/node-trainer.js';
export { nonFiniteResult } from './train/non-finite-result.js';
