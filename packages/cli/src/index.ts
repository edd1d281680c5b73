export { applyOverride, loadConfig, validateConfig } from './config/load.js';
export type { ExperimentConfig } from './config/schema.js';
export { experimentSchema } from './config/schema.js';
export { exitCodeFor, main } from './main.js';
export type { RunSummary } from './run/run-experiment.js';
