import { errors, StarlingError } from '@starling/core';
import type { ExperimentConfig } from '../config/schema.js';

/**
 * The likely causes of training that went NaN/±Inf, with this run's values: the learning rate, missing
 * gradient clipping, non-finite input data.
 */
export function divergenceCauses(cfg: ExperimentConfig): string {
  const o = cfg.optimizer;
  const clip =
    o.clipNorm === undefined
      ? 'gradients are not clipped (set optimizer.clipNorm, e.g. 1)'
      : `gradients are clipped only at optimizer.clipNorm = ${o.clipNorm}`;
  return `the learning rate is too high (optimizer.lr = ${o.lr}; try 10× lower), ${clip}, or the data holds NaN/Inf`;
}

/**
 * The error of a federated run whose round machine failed (`algorithm.maxFailedRounds` rounds in a row
 * aggregated nothing), naming the likely cause: refused updates or aggregates (a faulty or hostile host,
 * or divergence), divergence when nodes failed `non-finite`, else lost or slow hosts.
 */
export function failedRoundsError(cfg: ExperimentConfig, failed: string): StarlingError {
  const head = `run stopped: ${failed}`;
  if (/non-finite-aggregate|norm-bound|bad-weight/.test(failed)) {
    return errors.diverged(
      `${head}. The server refused the updates or their aggregate (norm-bound: an update above ` +
        'algorithm.maxUpdateNorm; bad-weight: a declared sample count that is not the assigned one; ' +
        'non-finite-aggregate: the mean or the model after the server step would hold NaN/Inf). ' +
        `Likely cause: a faulty or hostile host sending oversized updates, or training that diverges (${divergenceCauses(cfg)})`,
    );
  }
  if (failed.includes('non-finite'))
    return errors.diverged(`${head}. Training went NaN/Inf; likely cause: ${divergenceCauses(cfg)}`);
  if (cfg.systems !== undefined && /offline|late/.test(failed)) {
    return errors.runtime(
      `${head}. On the virtual clock the selected clients were offline or finished after the round closed: ` +
        'relax systems.deadlineS or systems.availability, raise algorithm.overCommit, or lower ' +
        'algorithm.minCompletion (algorithm.maxFailedRounds sets how many such rounds a run tolerates)',
    );
  }
  return errors.runtime(
    `${head}. Likely cause: hosts lost or too slow for algorithm.deadlineS, or algorithm.minCompletion too high ` +
      '(algorithm.maxFailedRounds sets how many such rounds a run tolerates)',
  );
}

/**
 * The error of a federated run whose global model evaluates to a NaN/±Inf test loss after `round`: the
 * aggregate of finite updates drove the model out of range (e.g. a host sending updates of 1e30).
 */
export function nonFiniteModelError(cfg: ExperimentConfig, round: number, loss: number): StarlingError {
  const a = cfg.algorithm;
  const bound =
    'maxUpdateNorm' in a && a.maxUpdateNorm !== undefined
      ? `algorithm.maxUpdateNorm = ${a.maxUpdateNorm} did not keep it in range`
      : 'set algorithm.maxUpdateNorm to refuse oversized updates';
  return errors.diverged(
    `run stopped: the global model's test loss is ${loss} after round ${round}. Likely cause: a faulty or ` +
      `hostile host sending oversized updates (${bound}), or training that diverges (${divergenceCauses(cfg)})`,
  );
}

/** `err` with the likely causes appended when it is a `diverged` error (a gossip peer went non-finite). */
export function explainDivergence(cfg: ExperimentConfig, err: unknown): unknown {
  if (!(err instanceof StarlingError) || err.code !== 'diverged') return err;
  return errors.diverged(`run stopped: ${err.message}. Likely cause: ${divergenceCauses(cfg)}`);
}
