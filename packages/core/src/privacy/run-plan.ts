import { errors } from '../errors.js';
import { parseSpec } from '../spec/parse-spec.js';
import type { LocalPlan, NodePrivacy } from '../train/local-training.js';
import { calibrateNoiseMultiplier, epsilonForNoiseMultiplier } from './calibrate-noise.js';
import { dpSgdStepsPerRound } from './dp-sgd.js';
import type { NoiseSource } from './noise-source.js';
import {
  type OverBudgetPolicy,
  type PrivacyMode,
  type PrivacySpec,
  privacySpecSchema,
  type ShortfallPolicy,
} from './privacy-spec.js';
import type { RdpConversion } from './rdp-conversion.js';
import { checkOrders, DEFAULT_RDP_ORDERS } from './rdp-orders.js';
import type { SampledGaussianSteps } from './sampled-gaussian-rdp.js';

/** The shape of a run that privacy planning needs. */
export interface PrivacyRunShape {
  readonly rounds: number;
  /** The nodes' per-round work (epochs, batch size, step cap). */
  readonly local: LocalPlan;
  /** Local example counts, one per node. */
  readonly nodeSizes: readonly number[];
  /** Share of the N clients sampled per round (federated runs); null for a centralized run. */
  readonly clientRate: number | null;
}

/** A privacy spec made concrete for one run: σ chosen, per-round cost known, budget checked. */
export interface ResolvedPrivacy {
  readonly mode: PrivacyMode;
  readonly delta: number;
  readonly targetEpsilon: number | null;
  /** σ (DP-SGD) or z (client, local): the noise std is this times `clipNorm`. */
  readonly noiseMultiplier: number;
  /** True when σ was calibrated from `targetEpsilon`. */
  readonly calibrated: boolean;
  readonly clipNorm: number;
  /** What the accountant charges for one round that runs as planned (σ relative to the sensitivity). */
  readonly perRound: Required<SampledGaussianSteps>;
  /** Accountant steps of the whole plan (rounds × perRound.steps). */
  readonly plannedSteps: number;
  /** ε after the whole plan at δ. */
  readonly projectedEpsilon: number;
  /** What every node applies itself (the same in every runtime). */
  readonly node: NodePrivacy;
  /** `client` mode: clients are Poisson-sampled at `clientRate`; the server divides by clientRate·population. */
  readonly central: { readonly clientRate: number; readonly population: number } | null;
  readonly noise: NoiseSource;
  readonly onShortfall: ShortfallPolicy;
  readonly overBudget: OverBudgetPolicy;
  readonly conversion: RdpConversion;
  readonly orders: readonly number[];
}

/** x rounded up to 6 significant digits: a printed ε must stay an upper bound. */
export function ceilSignificant(x: number, digits = 6): string {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const unit = 10 ** (Math.floor(Math.log10(x)) - (digits - 1));
  return Number((Math.ceil(x / unit) * unit).toPrecision(digits)).toString();
}

function accountingRate(spec: PrivacySpec, run: PrivacyRunShape): number {
  if (spec.mode === 'dpsgd') {
    if (spec.sampleRate !== undefined) return spec.sampleRate;
    const nMin = Math.min(...run.nodeSizes);
    return Math.min(1, (run.local.batchSize ?? nMin) / nMin);
  }
  if (run.clientRate === null) {
    throw errors.option('privacy.mode', '"dpsgd" for a centralized run (client and local DP need clients)', spec.mode);
  }
  return spec.mode === 'client' ? run.clientRate : 1;
}

/**
 * Resolves a run's privacy: the accountant's sample rate q (DP-SGD: the lot rate; client: the client
 * rate; local: 1, no amplification since each client's own release is seen), steps per round, and σ
 * (given, or the smallest σ whose planned ε stays within `targetEpsilon`). Local DP is charged at z/2:
 * a client's two possible clipped updates differ by up to 2S (replace-one adjacency).
 *
 * Pre-flight: with both `noiseMultiplier` and `targetEpsilon` set and `overBudget: 'refuse'` (default),
 * a plan whose projected ε exceeds the target throws a `privacy` error naming that ε (exit code 2).
 */
export function planRunPrivacy(input: PrivacySpec, run: PrivacyRunShape): ResolvedPrivacy {
  const spec = parseSpec(privacySpecSchema, input, 'privacy');
  const { mode, delta, clipNorm } = spec;
  const orders = checkOrders(spec.orders ?? DEFAULT_RDP_ORDERS, 'privacy.orders');
  const conversion = spec.conversion;
  const q = accountingRate(spec, run);
  if (!(q > 0 && q <= 1))
    throw errors.option(mode === 'dpsgd' ? 'privacy.sampleRate' : 'algorithm.fraction', 'in (0, 1]', q);
  const stepsPerRound = mode === 'dpsgd' ? dpSgdStepsPerRound(run.local, q) : 1;
  const plannedSteps = run.rounds * stepsPerRound;
  const chargeFactor = mode === 'local' ? 0.5 : 1;
  const target = spec.targetEpsilon ?? null;
  let z = spec.noiseMultiplier;
  const calibrated = z === undefined;
  if (z === undefined) {
    if (target === null) {
      throw errors.option('privacy.noiseMultiplier', 'set, or privacy.targetEpsilon set to calibrate it', undefined);
    }
    const sigma = calibrateNoiseMultiplier({
      targetEpsilon: target,
      delta,
      sampleRate: q,
      steps: plannedSteps,
      orders,
      conversion,
    });
    z = sigma / chargeFactor;
  }
  if (!(z > 0 && Number.isFinite(z))) throw errors.option('privacy.noiseMultiplier', 'a finite number > 0', z);
  const perRound = { noiseMultiplier: z * chargeFactor, sampleRate: q, steps: stepsPerRound };
  const projected = epsilonForNoiseMultiplier(perRound.noiseMultiplier, {
    delta,
    sampleRate: q,
    steps: plannedSteps,
    orders,
    conversion,
  }).epsilon;
  const overBudget = spec.overBudget;
  if (target !== null && projected > target && overBudget === 'refuse') {
    throw errors.privacy(
      `privacy budget exceeded before the run: ${plannedSteps} steps at sample rate ${q} and noise multiplier ${z} ` +
        `would spend epsilon ${ceilSignificant(projected)} > privacy.targetEpsilon ${target} at delta ${delta} ` +
        `(RDP accountant, Poisson sampling). Raise privacy.noiseMultiplier, lower algorithm.rounds, omit ` +
        'privacy.noiseMultiplier to calibrate it, or set privacy.overBudget: stop',
    );
  }
  const noise = spec.noise;
  const node: NodePrivacy =
    mode === 'dpsgd'
      ? { dpSgd: { clipNorm, normalizeKappa: spec.normalizeKappa ?? null, noiseMultiplier: z, sampleRate: q, noise } }
      : { update: { clipNorm, noiseMultiplier: mode === 'local' ? z : 0, noise } };
  return {
    mode,
    delta,
    targetEpsilon: target,
    noiseMultiplier: z,
    calibrated,
    clipNorm,
    perRound,
    plannedSteps,
    projectedEpsilon: projected,
    node,
    central: mode === 'client' ? { clientRate: q, population: run.nodeSizes.length } : null,
    noise,
    onShortfall: spec.onShortfall,
    overBudget,
    conversion,
    orders,
  };
}
