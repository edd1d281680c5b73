export type { ExperimentConfig, MetricsLine, RunOptions, RunSummary } from '@starling/runner';
export { applyOverride, exitCodeFor, loadConfig, runExperiment, validateConfig } from '@starling/runner';
export { main } from './main.js';
export { CHROMIUM_FLAGS } from './tools/report/png.js';
