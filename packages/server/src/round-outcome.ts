import type { AggregatorUpdate } from './aggregators/aggregator.js';
import type { RoundSummary } from './round-types.js';
import { cappedWeights } from './weights.js';

/** An accepted update of the open round, as the round machine keeps it until the close. */
export interface AcceptedUpdate {
  readonly samples: number;
  readonly trainLoss: number;
  /** Δ (model length; the runtime's buffer, read at the close only). */
  readonly delta: Float32Array;
  readonly steps?: number;
}

/**
 * A closing round's accepted updates in increasing node-id order (the order the aggregator takes them
 * in, whatever order they arrived in), the summary's per-node rows, and the sample-weighted mean of the
 * reported training losses (null without updates; weights `cappedWeights(samples, 1)`).
 */
export function roundOutcome(accepted: ReadonlyMap<number, AcceptedUpdate>): {
  updates: AggregatorUpdate[];
  results: RoundSummary['results'];
  trainLoss: number | null;
} {
  const ids = [...accepted.keys()].sort((a, b) => a - b);
  const entries = ids.map((id) => accepted.get(id) as AcceptedUpdate);
  let trainLoss: number | null = null;
  if (ids.length > 0) {
    const w = cappedWeights(
      entries.map((e) => e.samples),
      1,
    );
    trainLoss = entries.reduce((acc, e, i) => acc + w[i] * e.trainLoss, 0);
  }
  return {
    updates: ids.map((node, i) => ({
      node,
      samples: entries[i].samples,
      delta: entries[i].delta,
      steps: entries[i].steps,
    })),
    results: ids.map((node, i) => ({ node, samples: entries[i].samples, trainLoss: entries[i].trainLoss })),
    trainLoss,
  };
}

/**
 * Why an update event does not belong in the open round (the machine rejects it), or null: another
 * round, a node not selected or that already answered, a Δ of another length than the model's
 * (`size`), a sample count that is not a finite number ≥ 0.
 */
export function updateMisfit(
  e: { readonly round: number; readonly node: number; readonly samples: number; readonly delta: Float32Array },
  round: number,
  selected: readonly number[],
  answered: boolean,
  size: number,
): string | null {
  if (e.round !== round) return `update for round ${e.round} while round ${round} is open`;
  if (!selected.includes(e.node)) return `node ${e.node} was not selected for round ${e.round}`;
  if (answered) return `node ${e.node} already answered`;
  if (e.delta.length !== size) return `update length ${e.delta.length} != ${size}`;
  if (!(Number.isFinite(e.samples) && e.samples >= 0)) return `invalid sample count ${e.samples}`;
  return null;
}
