export type { ChocoCopiesState } from './gossip/choco-copies.js';
export type { ChocoSetup } from './gossip/choco-setup.js';
export { checkChoco } from './gossip/choco-setup.js';
export { clippedGossip } from './gossip/clipped-gossip.js';
export { averageModel, consensusError } from './gossip/consensus-metrics.js';
export { runGossipCoordinator } from './gossip/coordinator.js';
export { admitPeer } from './gossip/coordinator-admission.js';
export type { GossipCoordinatorOptions, GossipCoordinatorReport } from './gossip/coordinator-options.js';
export type { GossipAggregatorKind, GossipAggregatorSpec } from './gossip/gossip-aggregator-table.js';
export {
  gossipAggregatorSchema,
  gossipAggregators,
  gossipMean,
  makeGossipCombine,
} from './gossip/gossip-aggregator-table.js';
export type { GossipCombine } from './gossip/gossip-combine.js';
export { gossipHostConfigSchema, gossipSetupSchema, parseGossipHostConfig } from './gossip/gossip-config-schema.js';
export { GossipHost } from './gossip/gossip-host.js';
export type { GossipHostOptions } from './gossip/gossip-host-options.js';
export type { GossipRound, PeerReport } from './gossip/gossip-monitor.js';
export type { GossipAlgorithm, GossipHostConfig, GossipSetup } from './gossip/gossip-setup.js';
export { isReportRound } from './gossip/gossip-setup.js';
export { gossipTopology } from './gossip/gossip-topology.js';
export type { InlineGossipOptions } from './gossip/inline-gossip.js';
export { runGossipInline } from './gossip/inline-gossip.js';
export type { PeerCheckpoint } from './gossip/peer-checkpoint.js';
export { checkPeerCheckpoint, optimizerCheckpoint } from './gossip/peer-checkpoint.js';
export { GOSSIP_TENSOR, gossipWireBytes } from './gossip/wire-size.js';
export {
  hostSetupSchema,
  layoutSchema,
  localPlanSchema,
  nodePrivacySchema,
  nodeSetupSchema,
  parseHostSetup,
  partitionMapSchema,
} from './host-setup-schema.js';
export { kernelsModeFromEnv, loadKernels } from './kernel-choice.js';
export { ModelReceiver } from './model-receiver.js';
export type { HostSetup, NodeCompression, NodeSetup, Workspace } from './node-setup.js';
export { buildNode, forWire, onHost, workspaceFor } from './node-setup.js';
export type { NodeUplink } from './node-uplink.js';
export { compressesUplink, nodeUplink } from './node-uplink.js';
export { refuseWelcome } from './refuse-welcome.js';
export type { CorrectableClients } from './scaffold-clients.js';
export { ScaffoldClients } from './scaffold-clients.js';
export type { JoinedSlot } from './shm-host.js';
export { ShmHost, slotTaskTensors } from './shm-host.js';
export type { TrainResult, TrainTask, UpdatePayload } from './train-task.js';
export { VirtualClients } from './virtual-clients.js';
export type { HostLog, WorkerHostOptions } from './worker-host.js';
export { WorkerHost } from './worker-host.js';
