import type { LocalPlan } from '../train/local-training.js';
import { retransmitSeconds } from './packet-loss.js';
import type { ClientProfile, LocalWorkSpec } from './profile.js';

/** The local work a plan makes a client with `n` examples do in one round (what `ClientExecutor` runs). */
export interface PlannedWork {
  /** Optimizer steps. */
  readonly steps: number;
  /** Examples processed (forward and backward), summed over the steps. */
  readonly examples: number;
}

/**
 * The steps and examples of one round of minibatch training on `n` examples under `plan`: batches of
 * b = min(B, n) (B null: n), ⌈n/b⌉ steps an epoch, E epochs, capped at `maxSteps`. DP-SGD runs are
 * timed with the same count (its Poisson batches have this expected size).
 */
export function plannedWork(n: number, plan: LocalPlan): PlannedWork {
  if (n <= 0) return { steps: 0, examples: 0 };
  const b = Math.min(plan.batchSize ?? n, n);
  const perEpoch = Math.ceil(n / b);
  const steps = Math.min(plan.epochs * perEpoch, plan.maxSteps ?? Number.POSITIVE_INFINITY);
  const full = Math.floor(steps / perEpoch);
  const rest = steps - full * perEpoch;
  return { steps, examples: full * n + rest * b };
}

/**
 * Client `p`'s local plan from the run's `base` plan and `systems.localWork`, for its `n` examples:
 * `plan` leaves it as is; `epochs` sets E_i; `timeBudget` caps its steps at ⌊seconds / time per step⌋
 * (per-example speeds are taken at a full batch b = min(B, n)), never below one step.
 */
export function clientPlan(base: LocalPlan, work: LocalWorkSpec, p: ClientProfile, n: number): LocalPlan {
  if (work.kind === 'plan') return base;
  if (work.kind === 'epochs') return { ...base, epochs: p.localEpochs ?? base.epochs };
  const b = Math.max(1, Math.min(base.batchSize ?? n, n));
  const perStep = p.compute.per === 'step' ? p.compute.seconds : p.compute.seconds * b;
  const cap = perStep > 0 ? Math.max(1, Math.floor(work.seconds / perStep)) : Number.POSITIVE_INFINITY;
  const maxSteps = Math.min(base.maxSteps ?? Number.POSITIVE_INFINITY, cap);
  return Number.isFinite(maxSteps) ? { ...base, maxSteps } : base;
}

/** Where a client's round time goes, in virtual seconds. */
export interface ClientTiming {
  /** Latency + 8 · downlink bytes / downlink rate (+ retransmissions on a lossy link). */
  readonly downS: number;
  /** Examples × seconds per example, or steps × seconds per step. */
  readonly computeS: number;
  /** Latency + 8 · uplink bytes / uplink rate (+ retransmissions on a lossy link). */
  readonly upS: number;
  /** downS + computeS + upS: when the server has its update, after the round opened. */
  readonly totalS: number;
}

/**
 * The virtual time client `p` takes for a round: receive the model, train, send the update. With
 * `round` given and the client's links lossy (`p.loss`), each link also takes the seeded retransmission
 * time of that round (`retransmitSeconds`); without `round`, the loss-free time, a lower bound.
 */
export function clientTiming(
  p: ClientProfile,
  bytesDown: number,
  work: PlannedWork,
  bytesUp: number,
  round?: number,
): ClientTiming {
  const loss = round === undefined ? null : (p.loss ?? null);
  const downLoss = loss ? retransmitSeconds(loss, round ?? 0, 'down', bytesDown, p.latencyS, p.downlinkBps) : 0;
  const upLoss = loss ? retransmitSeconds(loss, round ?? 0, 'up', bytesUp, p.latencyS, p.uplinkBps) : 0;
  const downS = p.latencyS + (8 * bytesDown) / p.downlinkBps + downLoss;
  const computeS = p.compute.seconds * (p.compute.per === 'example' ? work.examples : work.steps);
  const upS = p.latencyS + (8 * bytesUp) / p.uplinkBps + upLoss;
  return { downS, computeS, upS, totalS: downS + computeS + upS };
}
