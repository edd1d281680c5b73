export type { Topology, TopologyOptions } from './build.js';
export { buildTopology } from './build.js';
export type { LatticeShape } from './families/deterministic.js';
export {
  completeGraph,
  exponentialGraph,
  gridGraph,
  hypercubeGraph,
  latticeShape,
  ringGraph,
  starGraph,
  torusGraph,
} from './families/deterministic.js';
export type { EdgeListOptions } from './families/edge-list.js';
export { parseEdgeList, readEdgeListFile } from './families/edge-list.js';
export type { ErdosRenyiOptions } from './families/erdos-renyi.js';
export { erdosRenyiGraph } from './families/erdos-renyi.js';
export type { RandomRegularOptions } from './families/random-regular.js';
export { randomRegularGraph } from './families/random-regular.js';
export type { WattsStrogatzOptions } from './families/watts-strogatz.js';
export { wattsStrogatzGraph } from './families/watts-strogatz.js';
export { formatReportText, SVG_MAX_NODES, toDot, toSvg } from './format.js';
export type { DegreeStats, Graph } from './graph.js';
export {
  componentCount,
  degreeStats,
  edgeCount,
  edgePairs,
  graphFromEdges,
  hasEdge,
  isConnected,
} from './graph.js';
export type { TopologyReport } from './inspect.js';
export { inspectTopology, reportTopology } from './inspect.js';
export type { GraphFamily, KindOptionsSchema, ScheduleFamily, TopologyFamily } from './kinds/topology-kind.js';
export { maxTries, nodesAtLeast } from './kinds/topology-kind.js';
export type { TopologyEntry, TopologySection, TopologySpec } from './kinds/topology-table.js';
export {
  registerTopologyFamily,
  topologyKinds,
  topologySectionSchema,
  topologySpecSchema,
} from './kinds/topology-table.js';
export type { CsrMatrix, MixingEntry, MixingMatrix, MixingRow } from './mixing/mixing-matrix.js';
export {
  applyCsr,
  applyCsrTransposed,
  fromDense,
  messageCount,
  sendTargets,
  toCsr,
  toDense,
  toDenseRows,
} from './mixing/mixing-matrix.js';
export type { MixingCheck, MixingCheckOptions } from './mixing/validate.js';
export { checkMixing, firstAsymmetry, validateMixing } from './mixing/validate.js';
export type { WeightKind } from './mixing/weights.js';
export {
  lazyMixing,
  maxDegreeWeights,
  metropolisWeights,
  mixingWeights,
  uniformWeights,
  WEIGHT_KINDS,
} from './mixing/weights.js';
export { MAX_EDGES } from './options.js';
export type { GraphKind, GraphSpec } from './registry.js';
export { graphKinds, isRandomGraphKind, makeGraph, underPath } from './registry.js';
export { onePeerExponentialSchedule } from './schedules/one-peer-exponential.js';
export { randomMatchingSchedule } from './schedules/random-matching.js';
export type { MixingSchedule } from './schedules/schedule.js';
export { lazySchedule, scheduleMatrices, staticSchedule, unionGraph } from './schedules/schedule.js';
export type { Lambda2Result, SpectralMethod, SpectralOptions } from './spectral/lambda2.js';
export {
  denseProduct,
  EXACT_HARD_LIMIT,
  EXACT_MAX_NODES,
  mixingEigenvalues,
  mixingLambda2,
  productLambda2,
} from './spectral/lambda2.js';
export type { LanczosOptions, LanczosResult, SymmetricOperator } from './spectral/lanczos.js';
export { lanczosExtremes } from './spectral/lanczos.js';
export type { Tridiagonal } from './spectral/symmetric-eigen.js';
export {
  symmetricEigenvalues,
  tridiagonalEigenvalue,
  tridiagonalEigenvalues,
  tridiagonalize,
} from './spectral/symmetric-eigen.js';
