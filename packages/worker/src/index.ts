export { kernelsModeFromEnv, loadKernels } from './kernel-choice.js';
export type { HostSetup, NodeSetup, Workspace } from './node-setup.js';
export { buildNode, workspaceFor } from './node-setup.js';
export type { TrainResult, TrainTask } from './train-task.js';
export type { HostLog, WorkerHostOptions } from './worker-host.js';
export { WorkerHost } from './worker-host.js';
