import { compressKernelsOf, drawParticipants, errors, type Kernels, type Rng, type RoundGate } from '@starling/core';
import type { Aggregator, AggregatorUpdate } from './aggregators/aggregator.js';
import { meanAggregator } from './aggregators/mean.js';
import { FailedRounds } from './round-failures.js';
import { type AcceptedUpdate, roundOutcome, updateMisfit } from './round-outcome.js';
import { checkRoundPlan } from './round-plan-check.js';
import { openRoundStream, type RoundStream } from './round-stream.js';
import type {
  RoundHooks,
  RoundMachineOptions,
  RoundPlan,
  RoundSummary,
  ServerCommand,
  ServerEvent,
} from './round-types.js';
import type { ServerOptimizer } from './server-optimizer.js';
import { UpdateScreen } from './update-screen.js';
import { cappedWeights } from './weights.js';

/**
 * The parameter server's synchronous round logic as a state machine with no I/O: every runtime
 * (inline, threads, processes, cluster) feeds it the same events and carries out its commands, so they
 * all compute the same model. Participants are drawn from `rng.fork('participants', round)` over the
 * available node ids in increasing order; updates reach the `Aggregator` in node-id order, so arrival
 * order never changes the result. A late or unsolicited update is rejected, never applied to a later
 * round. At each close the aggregator (quorum `plan`: only when `minCompletion` is met) writes the
 * pseudo-gradient, which the server optimizer applies.
 */
export class RoundMachine {
  /** The global model (length = layout size). Read it between events; the machine updates it in place. */
  readonly params: Float32Array;
  private round = -1;
  /** The last round completed before this machine started (−1: a fresh run; see `resumeAt`). */
  private resumedAfter = -1;
  private selected: number[] = [];
  private readonly results = new Map<number, AcceptedUpdate>();
  private readonly failures = new Map<number, string>();
  private readonly available = new Set<number>();
  private readonly delta: Float32Array;
  private done = false;
  private stopReason: string | null = null;
  private failure: string | null = null;
  private readonly failedRounds: FailedRounds;
  private readonly aggregator: Aggregator;
  private readonly hooks: RoundHooks;
  private readonly expectedSamples: ((node: number) => number) | undefined;
  private readonly screen: UpdateScreen;
  /** Why the closing round's aggregate was refused (see `RoundSummary.refused`), or null. */
  private refusal: string | null = null;
  /** The open round's streaming aggregation, or null (no stream, or it fell back to `aggregate`). */
  private stream: RoundStream | null = null;
  /** The virtual clock deciding which updates count (`systems:`), or null: every reply counts. */
  private readonly gate: RoundGate | null;
  /** The most updates the open round aggregates (K; the selected count without a gate's over-commit). */
  private target = 0;

  constructor(
    params: Float32Array,
    nodes: readonly number[],
    private readonly plan: RoundPlan,
    private readonly optimizer: ServerOptimizer,
    private readonly kernels: Kernels,
    private readonly rng: Rng,
    options: RoundMachineOptions = {},
  ) {
    this.params = params;
    this.aggregator = options.aggregator ?? meanAggregator();
    this.hooks = { beforeRound: options.beforeRound };
    this.expectedSamples = options.expectedSamples;
    this.gate = options.gate ?? null;
    this.delta = new Float32Array(params.length);
    for (const n of nodes) this.available.add(n);
    checkRoundPlan(plan);
    this.failedRounds = new FailedRounds(plan.maxFailedRounds ?? null);
    const scan = compressKernelsOf(kernels).firstNonFinite;
    this.screen = new UpdateScreen(kernels, scan, plan.maxUpdateNorm ?? null, options.assignedSamples);
  }

  /**
   * Why the run failed (`plan.maxFailedRounds` consecutive rounds aggregated nothing), or null. The
   * machine then finished after the last of those rounds; the runtime ends normally and the caller
   * turns this into an error.
   */
  get failed(): string | null {
    return this.failure;
  }

  /** Why the run finished before `plan.rounds` (a `beforeRound` hook's reason), or null. */
  get stoppedEarly(): string | null {
    return this.stopReason;
  }

  /**
   * Whether a gate (the virtual clock) decides the rounds: a round may then close while dispatched
   * nodes still train, and the model changes under them (an inline runtime trains them from a copy).
   */
  get gated(): boolean {
    return this.gate !== null;
  }

  /** The round currently open (−1 before start). */
  get currentRound(): number {
    return this.round;
  }

  /**
   * The nodes selected for the open round that have neither an accepted update nor a failure, ascending
   * (empty before the start and after the finish). A runtime sends these again to a host that came back.
   */
  get awaiting(): number[] {
    if (this.done || this.round < 0) return [];
    return this.selected.filter((n) => !this.results.has(n) && !this.failures.has(n)).sort((a, b) => a - b);
  }

  /**
   * Continues a run from a checkpoint taken after round `round`: copies `params` (the model after that
   * round) into `this.params`, and the next `start` opens round `round + 1`. Only before `start`. The
   * participants of a round come from `fork('participants', round)`, so the rounds that follow draw
   * exactly what they would have drawn without the interruption.
   */
  resumeAt(round: number, params: Float32Array): void {
    if (this.round !== -1 || this.done) throw errors.runtime('RoundMachine.resumeAt: the machine has started');
    if (!Number.isInteger(round) || round < 0 || round + 1 >= this.plan.rounds) {
      throw errors.runtime(`cannot resume after round ${round} of a run of ${this.plan.rounds} rounds`);
    }
    if (params.length !== this.params.length)
      throw errors.shape('resumed model length', this.params.length, params.length);
    this.params.set(params);
    this.resumedAfter = round;
  }

  /** Feeds one event and returns the commands it causes, in order. */
  handle(event: ServerEvent): ServerCommand[] {
    if (this.done) return [];
    switch (event.type) {
      case 'start':
        return this.round === -1 ? this.open(this.resumedAfter + 1) : [];
      case 'node-joined':
        this.available.add(event.node);
        return [];
      case 'node-lost':
        this.available.delete(event.node);
        return this.fail(this.round, event.node, event.reason);
      case 'failure':
        return this.fail(event.round, event.node, event.reason);
      case 'deadline':
        return event.round === this.round ? this.close() : [];
      case 'update':
        return this.update(event);
    }
  }

  private update(e: Extract<ServerEvent, { type: 'update' }>): ServerCommand[] {
    const reject = (reason: string): ServerCommand[] => [{ type: 'rejected', node: e.node, round: e.round, reason }];
    const answered = this.results.has(e.node) || this.failures.has(e.node);
    const misfit = updateMisfit(e, this.round, this.selected, answered, this.params.length);
    if (misfit !== null) return reject(misfit);
    // The checks every runtime's updates pass (inline training, decoded payloads, socket frames), see
    // UpdateScreen: the declared weight, NaN/Inf (the node's training diverging, not a protocol fault) and
    // the norm bound. A failing update fails the node in this round, so the round still closes and counts
    // towards `maxFailedRounds`; one that breaks a server rule (weight, norm) is also reported `rejected`.
    const bad = this.screen.check(e);
    if (bad !== null) {
      const failed = this.fail(e.round, e.node, bad);
      return bad.startsWith('non-finite') ? failed : [...reject(bad), ...failed];
    }
    this.results.set(e.node, { samples: e.samples, trainLoss: e.trainLoss, delta: e.delta, steps: e.steps });
    this.stream?.offer(e.node, e.samples, (n) => this.results.get(n)?.delta);
    this.gate?.answer(e.node, true, e.bytes);
    return this.decided() ? this.close() : [];
  }

  private fail(round: number, node: number, reason: string): ServerCommand[] {
    if (round !== this.round || !this.selected.includes(node) || this.results.has(node) || this.failures.has(node)) {
      return [];
    }
    this.failures.set(node, reason);
    this.stream?.abandon();
    this.gate?.answer(node, false, undefined);
    return this.decided() ? this.close() : [];
  }

  private answered(): boolean {
    return this.results.size + this.failures.size === this.selected.length;
  }

  /** Every selected node answered, or the gate's virtual clock already decided the round. */
  private decided(): boolean {
    return this.answered() || (this.gate?.ready() ?? false);
  }

  private open(round: number): ServerCommand[] {
    const stop = this.hooks.beforeRound?.(round) ?? null;
    if (stop !== null) {
      this.done = true;
      this.stopReason = stop;
      return [{ type: 'finished', completedRounds: round, stoppedEarly: stop }];
    }
    this.round = round;
    this.results.clear();
    this.failures.clear();
    this.stream = null;
    const pool = [...this.available].sort((a, b) => a - b);
    if (pool.length === 0) throw errors.runtime(`no nodes available for round ${round}`);
    // In id order: hosts train and reply roughly in that order, so the streaming mean adds each update
    // soon after it arrives (who is selected is unchanged; every runtime gives the same bits anyway).
    const draw = this.gate ? this.gate.participation(this.plan.participation, pool.length) : this.plan.participation;
    this.selected = drawParticipants(pool, draw, this.rng.fork('participants', round));
    this.target = this.selected.length;
    let dispatch = this.selected;
    if (this.gate) {
      const g = this.gate.open(round, this.selected);
      this.target = g.target;
      for (const node of g.offline) this.failures.set(node, 'offline');
      dispatch = this.selected.filter((n) => !this.failures.has(n));
    }
    // Nobody drawn (Poisson): the round closes at once (a client-DP aggregator still releases a noise-only update).
    if (dispatch.length === 0) return this.close();
    const expected = this.gate ? undefined : this.expectedSamples;
    const cap = this.plan.maxClientWeight;
    const stream = openRoundStream(this.selected, expected, this.aggregator, this.kernels, this.params.length, cap);
    this.stream = stream;
    const reduce = stream
      ? { reduce: stream.dispatchOffer(this.kernels.backend, !this.screen.readsVouchedDeltas) }
      : {};
    const cmds: ServerCommand[] = [{ type: 'dispatch', round, nodes: dispatch, model: this.params, ...reduce }];
    if (this.plan.deadlineMs !== null) cmds.push({ type: 'arm-deadline', round, ms: this.plan.deadlineMs });
    return cmds;
  }

  private close(): ServerCommand[] {
    if (this.gate) {
      // Updates that finished after the round's close in virtual time (or whose client went offline).
      for (const [node, reason] of this.gate.close().outcomes) {
        this.results.delete(node);
        this.failures.set(node, reason);
      }
    }
    for (const node of this.selected) {
      if (!this.results.has(node) && !this.failures.has(node)) this.failures.set(node, 'deadline');
    }
    const { updates, results, trainLoss } = roundOutcome(this.results);
    const aggregated = this.aggregate(updates);
    const summary: RoundSummary = {
      round: this.round,
      selected: this.selected,
      results,
      failures: [...this.failures.entries()].sort((a, b) => a[0] - b[0]).map(([node, reason]) => ({ node, reason })),
      aggregated,
      trainLoss,
      ...(this.refusal !== null ? { refused: this.refusal } : {}),
    };
    this.refusal = null;
    this.results.clear();
    this.stream?.close();
    this.stream = null;
    const cmds: ServerCommand[] = [{ type: 'round-closed', summary }];
    const failed = this.failedRounds.count(summary);
    if (failed !== null) {
      this.done = true;
      this.failure = failed;
      cmds.push({ type: 'finished', completedRounds: this.round + 1, failed });
      return cmds;
    }
    if (this.round + 1 >= this.plan.rounds) {
      this.done = true;
      cmds.push({ type: 'finished', completedRounds: this.round + 1 });
      return cmds;
    }
    return [...cmds, ...this.open(this.round + 1)];
  }

  /** Runs the aggregator on the round's replies (node-id order) and applies its result; false: model unchanged. */
  private aggregate(updates: readonly AggregatorUpdate[]): boolean {
    if (this.aggregator.quorum === 'plan') {
      const needed = Math.ceil(this.plan.minCompletion * this.target - 1e-9);
      if (updates.length === 0 || updates.length < needed) return false;
    }
    const samples = updates.map((u) => u.samples);
    const weights = cappedWeights(samples, this.plan.maxClientWeight);
    const ctx = {
      round: this.round,
      selected: this.selected,
      kernels: this.kernels,
      rng: this.rng.fork('aggregate', this.round),
    };
    // Every selected node replied with its expected count: the stream summed exactly these updates with
    // exactly these weights while the round ran.
    if (this.stream?.complete) this.stream.finish(this.delta);
    else if (!this.aggregator.aggregate(updates, weights, this.delta, ctx)) return false;
    // A finite aggregate can still carry a non-finite entry (weights × huge finite updates overflow
    // float32) or produce one in the step (x + lr·Δ beyond float32): such a round is refused and the
    // model and optimizer state stay as they were; the round counts as failed (maxFailedRounds).
    const scan = compressKernelsOf(this.kernels).firstNonFinite;
    const bad = this.optimizer.applyFinite(this.params, this.delta, scan, this.kernels);
    if (bad === null) return true;
    this.refusal = `non-finite-aggregate: ${bad}`;
    return false;
  }
}
