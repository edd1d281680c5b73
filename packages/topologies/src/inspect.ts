import { buildTopology, type Topology, type TopologyOptions } from './build.js';
import { componentCount, type DegreeStats, degreeStats, edgeCount } from './graph.js';
import { messageCount } from './mixing/mixing-matrix.js';
import { checkMixing } from './mixing/validate.js';
import { scheduleMatrices } from './schedules/schedule.js';
import { type Lambda2Result, mixingLambda2, productLambda2, type SpectralMethod } from './spectral/lambda2.js';

/** What `starling topology inspect` prints; plain JSON (numbers, strings, booleans, null). */
export interface TopologyReport {
  readonly kind: string;
  readonly nodes: number;
  /** Undirected links (for a schedule: the union over the analysed rounds). */
  readonly edges: number;
  readonly degree: DegreeStats;
  /** The weight rule, or `fixed` for schedules. */
  readonly weights: string;
  readonly lazy: boolean;
  readonly seed: number | null;
  readonly timeVarying: boolean;
  /** Rounds covered by `lambda2`: 1 for a static W, else the period (or window) of the product. */
  readonly rounds: number;
  /** |λ₂(W)| for a static W; σ₂ of the product over `rounds` for schedules; null when W is invalid. */
  readonly lambda2: number | null;
  /** 1 − lambda2. */
  readonly spectralGap: number | null;
  /** lambda2^(1/rounds): the per-round contraction, comparable across static and time-varying kinds. */
  readonly lambda2PerRound: number | null;
  /** Rounds for the disagreement ‖x − x̄1‖ to shrink tenfold in the worst case: rounds·ln 10 / −ln λ₂. */
  readonly roundsPer10x: number | null;
  /** Directed messages per gossip round (nonzero off-diagonal weights; mean over the rounds). */
  readonly messagesPerRound: number;
  readonly spectral: {
    readonly method: 'exact' | 'iterative';
    readonly quantity: 'eigenvalue' | 'product singular value';
    readonly converged: boolean;
    readonly iterations: number;
    readonly residual: number;
  } | null;
  /** True when every matrix passes validation (see `problems`). */
  readonly valid: boolean;
  readonly problems: readonly string[];
}

/** Builds the topology `options` name and reports its size, degrees, |λ₂|, gap and message cost. */
export function inspectTopology(options: TopologyOptions): TopologyReport {
  return reportTopology(buildTopology(options), options.method);
}

/** The report of an already built topology (see {@link buildTopology}). */
export function reportTopology(topology: Topology, method?: SpectralMethod): TopologyReport {
  const { graph, mixing } = topology;
  const matrices = mixing ? [mixing] : scheduleMatrices(topology.schedule, topology.rounds);
  const problems: string[] = [];
  let usable = true;
  matrices.forEach((w, t) => {
    const check = checkMixing(w, { symmetric: mixing !== undefined });
    const stochastic = check.nonnegative && check.rowStochastic && check.columnStochastic;
    if (!stochastic || (mixing !== undefined && !check.symmetric)) usable = false;
    const prefix = mixing || matrices.length === 1 ? '' : `round ${t}: `;
    // One-peer rounds are disconnected alone; only the union over the period must connect.
    for (const p of check.problems) if (mixing || !p.includes('disconnected')) problems.push(prefix + p);
  });
  if (!mixing && componentCount(graph) > 1) {
    problems.push(`the links used over ${matrices.length} rounds split the nodes into ${componentCount(graph)} groups`);
  }
  let result: Lambda2Result | null = null;
  if (usable) result = mixing ? mixingLambda2(mixing, { method }) : productLambda2(matrices, { method });
  const lambda2 = result ? result.lambda2 : null;
  const rounds = topology.rounds;
  const perRound = lambda2 === null ? null : lambda2 ** (1 / rounds);
  let roundsPer10x: number | null = null;
  if (lambda2 !== null && lambda2 < 1) roundsPer10x = lambda2 <= 0 ? rounds : (rounds * Math.LN10) / -Math.log(lambda2);
  let messages = 0;
  for (const w of matrices) messages += messageCount(w);
  return {
    kind: topology.kind,
    nodes: graph.n,
    edges: edgeCount(graph),
    degree: degreeStats(graph),
    weights: topology.weights,
    lazy: topology.lazy,
    seed: topology.seed,
    timeVarying: mixing === undefined,
    rounds,
    lambda2,
    spectralGap: lambda2 === null ? null : 1 - lambda2,
    lambda2PerRound: perRound,
    roundsPer10x,
    messagesPerRound: messages / matrices.length,
    spectral: result && {
      method: result.method,
      quantity: mixing ? 'eigenvalue' : 'product singular value',
      converged: result.converged,
      iterations: result.iterations,
      residual: result.residual,
    },
    valid: problems.length === 0,
    problems,
  };
}
