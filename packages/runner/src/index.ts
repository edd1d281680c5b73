export { exitCodeFor, INTERRUPTED_EXIT_CODE, isInterrupted } from './api/exit-code.js';
export type { ResumeOptions } from './api/resume-experiment.js';
export { resumeExperiment } from './api/resume-experiment.js';
export type { RunOptions } from './api/run-experiment.js';
export { configBaseDir, runExperiment } from './api/run-experiment.js';
export type { RunSummary } from './api/run-summary.js';
export type { TelemetryEvent, TelemetrySink } from './api/telemetry-event.js';
export { tuneV8 } from './api/v8-tiering.js';
export type { ConsoleLevel } from './artifacts/console.js';
export { consoleLine, consoleShows, setConsole } from './artifacts/console.js';
export type { MetricsLine } from './artifacts/metrics-line.js';
export type { CheckpointBody, CheckpointValue } from './checkpoint/checkpoint-codec.js';
export { decodeCheckpoint, encodeCheckpoint } from './checkpoint/checkpoint-codec.js';
export type { LoadedCheckpoint } from './checkpoint/checkpoint-store.js';
export { CheckpointStore, checkpointName } from './checkpoint/checkpoint-store.js';
export type { CheckpointingOptions, ResumePoint } from './checkpoint/checkpointing.js';
export { Checkpointing, configSha256, RunInterrupted } from './checkpoint/checkpointing.js';
export { applyOverride, loadConfig, readConfigFile, validateConfig } from './config/load.js';
export type { ExperimentConfig } from './config/schema.js';
export { experimentSchema } from './config/schema.js';
export type { HostKeyFiles } from './deploy/host-keys.js';
export { readHostKeys } from './deploy/host-keys.js';
export { serverArgs } from './deploy/k8s-coordinator.js';
export { hostArgs, hostKeyNames, INDEX_ENV } from './deploy/k8s-hosts.js';
export { GOSSIP_PORT, hostKeyName, POD_LAYOUT, RUN_AS, SERVER_KEY_NAME, SERVER_PORT } from './deploy/k8s-layout.js';
export type { K8sObject } from './deploy/k8s-objects.js';
export type { K8sPlan } from './deploy/k8s-plan.js';
export { objectNames } from './deploy/k8s-plan.js';
export type { PodMemory } from './deploy/pod-memory.js';
export { podMemory } from './deploy/pod-memory.js';
export type { K8sDeployOptions, K8sManifests } from './deploy/render-k8s.js';
export { manifestsYaml, renderK8s } from './deploy/render-k8s.js';
export type { AlgorithmEntry, AlgorithmKind } from './drivers/algorithms.js';
export { ALGORITHMS } from './drivers/algorithms.js';
export type { ExplainOptions } from './explain/explain-experiment.js';
export { explainExperiment } from './explain/explain-experiment.js';
export type {
  Explanation,
  KernelCallsPlan,
  LinkPlan,
  PartitionPlan,
  PlacementPlan,
  PrivacyPlan,
  RoundSpan,
  TrafficPlan,
} from './explain/explanation.js';
export { formatExplanation } from './explain/format-explanation.js';
export type { HostKind, HostProcessOptions } from './hosts/host-main.js';
export { runHostProcess } from './hosts/host-main.js';
