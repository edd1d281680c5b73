import { errors } from '../errors.js';
import { calibrateNoiseMultiplier, epsilonFloor, epsilonForNoiseMultiplier } from './calibrate-noise.js';
import { RDP_CONVERSIONS, type RdpConversion } from './rdp-conversion.js';
import { checkOrders, DEFAULT_RDP_ORDERS } from './rdp-orders.js';

/** Arguments of `starling privacy epsilon`, as parsed numbers (flag names in the error messages). */
export interface PrivacyEpsilonArgs {
  readonly sampleRate: number;
  readonly noiseMultiplier: number;
  readonly steps: number;
  readonly delta: number;
  readonly orders?: readonly number[];
  readonly conversion?: RdpConversion;
}

/** Arguments of `starling privacy sigma`. */
export interface PrivacySigmaArgs {
  readonly targetEpsilon: number;
  readonly sampleRate: number;
  readonly steps: number;
  readonly delta: number;
  readonly orders?: readonly number[];
  readonly conversion?: RdpConversion;
}

/** What both commands print (with `--json`, this object verbatim). */
export interface PrivacyReport {
  /** ε spent (for `sigma`: ε at the calibrated σ, ≤ the target). */
  readonly epsilon: number;
  /** The Rényi order that gave ε; null only when no privacy was lost (steps = 0). */
  readonly order: number | null;
  readonly delta: number;
  readonly sampleRate: number;
  readonly noiseMultiplier: number;
  readonly steps: number;
  /** The sampling the bound assumes: records join each step independently with probability q. */
  readonly sampling: 'poisson';
  readonly conversion: RdpConversion;
}

/** The `sigma` command's report: the calibrated σ and the target it was calibrated for. */
export interface PrivacySigmaReport extends PrivacyReport {
  readonly targetEpsilon: number;
}

function isNumber(x: unknown): x is number {
  return typeof x === 'number' && !Number.isNaN(x);
}

function checkCommon(args: { sampleRate: number; delta: number; conversion?: RdpConversion }): RdpConversion {
  const { sampleRate, delta } = args;
  if (!(isNumber(sampleRate) && sampleRate > 0 && sampleRate <= 1)) {
    throw errors.option('--sample-rate', 'in (0, 1]', sampleRate);
  }
  if (!(isNumber(delta) && delta > 0 && delta < 1)) throw errors.option('--delta', 'in (0, 1)', delta);
  const conversion = args.conversion ?? 'improved';
  if (!RDP_CONVERSIONS.includes(conversion))
    throw errors.unknownKind('--conversion', String(conversion), RDP_CONVERSIONS);
  return conversion;
}

/**
 * The logic of `starling privacy epsilon`: the (ε, δ) spent by T steps of DP-SGD (or DP-FedAvg rounds)
 * with Poisson sampling rate q and noise multiplier σ, under the RDP accountant. Validates every argument
 * with messages naming the flag (`--sample-rate must be in (0, 1], got 1.5`).
 */
export function privacyEpsilon(args: PrivacyEpsilonArgs): PrivacyReport {
  const conversion = checkCommon(args);
  const { sampleRate, noiseMultiplier, steps, delta } = args;
  if (!(isNumber(noiseMultiplier) && noiseMultiplier > 0 && Number.isFinite(noiseMultiplier))) {
    throw errors.option('--noise-multiplier', 'a finite number > 0', noiseMultiplier);
  }
  if (!(Number.isSafeInteger(steps) && steps >= 0)) throw errors.option('--steps', 'a non-negative integer', steps);
  const orders = checkOrders(args.orders ?? DEFAULT_RDP_ORDERS, '--orders');
  const { epsilon, order } = epsilonForNoiseMultiplier(noiseMultiplier, {
    delta,
    sampleRate,
    steps,
    orders,
    conversion,
  });
  return { epsilon, order, delta, sampleRate, noiseMultiplier, steps, sampling: 'poisson', conversion };
}

/**
 * The logic of `starling privacy sigma`: the smallest noise multiplier σ whose ε after T steps at rate q
 * stays within `targetEpsilon` (never above it), with the ε and order actually reached.
 */
export function privacySigma(args: PrivacySigmaArgs): PrivacySigmaReport {
  const conversion = checkCommon(args);
  const { targetEpsilon, sampleRate, steps, delta } = args;
  if (!(isNumber(targetEpsilon) && targetEpsilon > 0 && Number.isFinite(targetEpsilon))) {
    throw errors.option('--target-epsilon', 'a finite number > 0', targetEpsilon);
  }
  if (!(Number.isSafeInteger(steps) && steps >= 1)) throw errors.option('--steps', 'a positive integer', steps);
  const orders = checkOrders(args.orders ?? DEFAULT_RDP_ORDERS, '--orders');
  const floor = epsilonFloor(delta, orders, conversion);
  if (!(targetEpsilon > floor)) {
    throw errors.option(
      '--target-epsilon',
      `above ${floor}, the smallest epsilon the RDP accountant can certify at delta ${delta}`,
      targetEpsilon,
    );
  }
  const noiseMultiplier = calibrateNoiseMultiplier({ targetEpsilon, delta, sampleRate, steps, orders, conversion });
  const { epsilon, order } = epsilonForNoiseMultiplier(noiseMultiplier, {
    delta,
    sampleRate,
    steps,
    orders,
    conversion,
  });
  return { epsilon, order, delta, sampleRate, noiseMultiplier, steps, sampling: 'poisson', conversion, targetEpsilon };
}

/** x rounded up to 6 significant digits: a printed ε must still be an upper bound. */
function ceil6(x: number): string {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const unit = 10 ** (Math.floor(Math.log10(x)) - 5);
  return (Math.ceil(x / unit) * unit).toPrecision(6);
}

/** The human-readable lines both commands print without `--json`; ε is rounded up, never down. */
export function formatPrivacyReport(report: PrivacyReport | PrivacySigmaReport): string {
  const lines = [
    `epsilon          ${ceil6(report.epsilon)} (delta ${report.delta}, best order ${report.order ?? 'n/a'})`,
    `noise multiplier ${report.noiseMultiplier.toPrecision(6)}`,
    `sample rate      ${report.sampleRate} (Poisson sampling assumed)`,
    `steps            ${report.steps}`,
    `accountant       RDP, ${report.conversion} conversion`,
  ];
  if ('targetEpsilon' in report) lines.splice(1, 0, `target epsilon   ${report.targetEpsilon}`);
  return `${lines.join('\n')}\n`;
}
