import { errors } from '../errors.js';
import { type EpsilonAtOrder, RDP_CONVERSIONS, type RdpConversion, rdpToEpsilon } from './rdp-conversion.js';
import { checkOrders, DEFAULT_RDP_ORDERS } from './rdp-orders.js';
import { type SampledGaussianSteps, sampledGaussianRdpCurve } from './sampled-gaussian-rdp.js';

/** The sampling the accountant's bound assumes: each record (or client) joins a step independently. */
export type SamplingAssumption = 'poisson';

/** One entry of the accountant's ledger: `steps` identical steps at (σ, q). */
export interface RdpLedgerEntry {
  readonly noiseMultiplier: number;
  readonly sampleRate: number;
  readonly steps: number;
}

/** The accountant's checkpoint: plain JSON, exact under JSON.stringify / JSON.parse. */
export interface RdpAccountantState {
  readonly kind: 'rdp';
  readonly version: 1;
  readonly sampling: SamplingAssumption;
  readonly orders: readonly number[];
  readonly conversion: RdpConversion;
  readonly history: readonly RdpLedgerEntry[];
}

/** Options of an `RdpAccountant`. */
export interface RdpAccountantOptions {
  /** Rényi orders α to track (each finite, > 1); `DEFAULT_RDP_ORDERS` when omitted. */
  readonly orders?: readonly number[];
  /** How RDP becomes (ε, δ); `'improved'` (Balle et al. 2020) when omitted. */
  readonly conversion?: RdpConversion;
}

function checkEntry(run: SampledGaussianSteps): RdpLedgerEntry {
  const steps = run.steps ?? 1;
  const { noiseMultiplier, sampleRate } = run;
  if (!(sampleRate >= 0 && sampleRate <= 1)) throw errors.option('sampleRate', 'in [0, 1]', sampleRate);
  if (!(noiseMultiplier >= 0)) throw errors.option('noiseMultiplier', 'a non-negative number', noiseMultiplier);
  if (!(Number.isSafeInteger(steps) && steps >= 0)) throw errors.option('steps', 'a non-negative integer', steps);
  return { noiseMultiplier, sampleRate, steps };
}

/**
 * A Rényi-DP accountant for the Poisson-subsampled Gaussian mechanism (DP-SGD, client-level DP-FedAvg):
 * it records the steps taken, composes their RDP by addition (Mironov 2017) and converts the total to
 * (ε, δ). Steps may differ (a round re-calibrated to fewer clients, a skipped round recorded with
 * q = 0). The bound holds only for Poisson sampling at rate q; `sampling` says so for reports.
 *
 * The per-order RDP of each distinct (σ, q) is computed once and cached; the ledger merges consecutive
 * identical entries, so its length is the number of changes, not of steps.
 */
export class RdpAccountant {
  /** The sampling assumption under which the reported ε holds. */
  readonly sampling: SamplingAssumption = 'poisson';
  private orders: readonly number[];
  private conversion: RdpConversion;
  private history: RdpLedgerEntry[] = [];
  private total: Float64Array;
  private readonly cache = new Map<string, Float64Array>();

  constructor(options: RdpAccountantOptions = {}) {
    this.orders = Object.freeze([...checkOrders(options.orders ?? DEFAULT_RDP_ORDERS)]);
    this.conversion = options.conversion ?? 'improved';
    if (!RDP_CONVERSIONS.includes(this.conversion)) {
      throw errors.unknownKind('conversion', String(this.conversion), RDP_CONVERSIONS);
    }
    this.total = new Float64Array(this.orders.length);
  }

  /** A new accountant holding a checkpoint made by `state()`. */
  static fromState(state: RdpAccountantState): RdpAccountant {
    const accountant = new RdpAccountant({ orders: state.orders, conversion: state.conversion });
    accountant.load(state);
    return accountant;
  }

  /** The per-step RDP curve at (σ, q), cached. */
  private perStep(noiseMultiplier: number, sampleRate: number): Float64Array {
    const key = `${noiseMultiplier}:${sampleRate}`;
    let curve = this.cache.get(key);
    if (curve === undefined) {
      curve = sampledGaussianRdpCurve(this.orders, { noiseMultiplier, sampleRate, steps: 1 });
      this.cache.set(key, curve);
    }
    return curve;
  }

  /** Adds `steps` times the per-step curve at (σ, q) into `into`. */
  private accumulate(into: Float64Array, entry: RdpLedgerEntry): void {
    if (entry.steps === 0 || entry.sampleRate === 0) return;
    const curve = this.perStep(entry.noiseMultiplier, entry.sampleRate);
    for (let k = 0; k < into.length; k++) into[k] += entry.steps * curve[k];
  }

  /**
   * Records `steps` (default 1) steps with noise multiplier σ (noise std / sensitivity) and Poisson
   * sampling rate q. Validates before changing anything.
   */
  step(run: SampledGaussianSteps): void {
    const entry = checkEntry(run);
    if (entry.steps === 0) return;
    this.accumulate(this.total, entry);
    const last = this.history[this.history.length - 1];
    if (last && last.noiseMultiplier === entry.noiseMultiplier && last.sampleRate === entry.sampleRate) {
      this.history[this.history.length - 1] = { ...last, steps: last.steps + entry.steps };
    } else {
      this.history.push(entry);
    }
  }

  /** The composed RDP so far at each of `orders()`, in nats (a copy). */
  rdp(): Float64Array {
    return this.total.slice();
  }

  /** The Rényi orders tracked. */
  trackedOrders(): readonly number[] {
    return this.orders;
  }

  /** The total number of steps recorded. */
  steps(): number {
    let n = 0;
    for (const entry of this.history) n += entry.steps;
    return n;
  }

  /** The ε spent so far at δ ∈ (0, 1), with the Rényi order that achieved it. */
  epsilon(delta: number): EpsilonAtOrder {
    return rdpToEpsilon(this.orders, this.total, delta, this.conversion);
  }

  /**
   * The ε that would be spent after the recorded steps plus `extra`, without recording anything: use
   * it to refuse a plan that exceeds the budget, or to stop before the step that would exceed it.
   */
  projectedEpsilon(delta: number, ...extra: SampledGaussianSteps[]): EpsilonAtOrder {
    const projected = this.total.slice();
    for (const run of extra) this.accumulate(projected, checkEntry(run));
    return rdpToEpsilon(this.orders, projected, delta, this.conversion);
  }

  /** A checkpoint of the ledger as plain JSON; `load` or `fromState` restores it exactly. */
  state(): RdpAccountantState {
    return {
      kind: 'rdp',
      version: 1,
      sampling: this.sampling,
      orders: [...this.orders],
      conversion: this.conversion,
      history: this.history.map((e) => ({ ...e })),
    };
  }

  /** Replaces this accountant's orders, conversion and ledger with a checkpoint's, after validating it. */
  load(state: RdpAccountantState): void {
    if (state?.kind !== 'rdp' || state.version !== 1) {
      throw errors.option('accountant state', 'an RDP accountant checkpoint of version 1', state?.version);
    }
    if (state.sampling !== 'poisson') throw errors.option('accountant state.sampling', '"poisson"', state.sampling);
    if (!RDP_CONVERSIONS.includes(state.conversion)) {
      throw errors.unknownKind('accountant state.conversion', String(state.conversion), RDP_CONVERSIONS);
    }
    if (!Array.isArray(state.history)) throw errors.option('accountant state.history', 'a list', state.history);
    const orders = Object.freeze([...checkOrders(state.orders, 'accountant state.orders')]);
    const history = state.history.map(checkEntry);
    this.orders = orders;
    this.conversion = state.conversion;
    this.cache.clear();
    this.history = [];
    this.total = new Float64Array(orders.length);
    for (const entry of history) this.step(entry);
  }

  /**
   * `load(state)`, then the composed RDP set to `rdp` (from `rdp()` at the time of `state()`) instead of
   * the sum replayed from the merged ledger: n additions of a curve round differently from one addition
   * of n times it, so only this restores ε to the last bit (run checkpoints).
   */
  restore(state: RdpAccountantState, rdp: Float64Array): void {
    this.load(state);
    if (!(rdp instanceof Float64Array) || rdp.length !== this.total.length) {
      throw errors.option('accountant rdp', `a Float64Array of ${this.total.length} orders`, rdp?.length);
    }
    this.total = rdp.slice();
  }
}
