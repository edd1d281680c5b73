import { errors } from '@starling/core';
import { type Aggregator, type ScaffoldControl, withFedNova, withScaffold } from '@starling/server';
import type { ExperimentConfig } from '../../config/schema.js';

/** Why a combination is refused: `[option path, expected, found]` for `errors.option`. */
type Refusal = readonly [string, string, unknown];

/** FedNova (a_k = τ_k) and SCAFFOLD (option II) assume plain local SGD at one constant learning rate. */
function optimizerRefusal(cfg: ExperimentConfig, kind: 'fednova' | 'scaffold'): Refusal | null {
  const o = cfg.optimizer;
  if (o.kind !== 'sgd') {
    return ['optimizer.kind', `sgd for algorithm.kind ${kind} (its normalization assumes plain local SGD)`, o.kind];
  }
  if (o.schedule !== undefined) {
    return ['optimizer.schedule', `absent for algorithm.kind ${kind} (a constant local learning rate)`, o.schedule];
  }
  if (kind === 'scaffold' && o.clipNorm !== undefined) {
    return [
      'optimizer.clipNorm',
      'absent for algorithm.kind scaffold (clipping the corrected gradient breaks c_i = mean local gradient)',
      o.clipNorm,
    ];
  }
  return null;
}

function privacyRefusal(cfg: ExperimentConfig, kind: string): Refusal | null {
  const mode = cfg.privacy?.mode;
  if (mode === undefined) return null;
  if (mode === 'client' && (kind === 'fednova' || kind === 'scaffold')) {
    const why =
      kind === 'fednova'
        ? 'FedNova rescales the noised aggregate by τ_eff = Σ p_k τ_k, which depends on who took part, so one client can move the release by more than the clipping bound'
        : "SCAFFOLD's control variate c, sent to every client, is computed from the unclipped, un-noised updates";
    return ['privacy.mode', `dpsgd or local for algorithm.kind ${kind}: ${why}`, mode];
  }
  if (mode === 'dpsgd' && (kind === 'fedprox' || kind === 'scaffold')) {
    const term = kind === 'fedprox' ? "FedProx's proximal term" : "SCAFFOLD's drift correction";
    return [
      'privacy.mode',
      `client or local for algorithm.kind ${kind}: ${term} is not wired into DP-SGD's clipped steps`,
      mode,
    ];
  }
  return null;
}

/**
 * Refuses combinations the heterogeneity algorithms do not support (exit code 2), each with its reason:
 * FedNova and SCAFFOLD need plain constant-rate local SGD; client-level DP cannot wrap FedNova (τ_eff
 * rescales the release) or SCAFFOLD (c leaks unclipped updates); DP-SGD's loop has no proximal term or
 * drift correction.
 */
export function checkHeterogeneitySupported(cfg: ExperimentConfig): void {
  const kind = cfg.algorithm.kind;
  if (kind !== 'fedprox' && kind !== 'fednova' && kind !== 'scaffold') return;
  const r = (kind === 'fedprox' ? null : optimizerRefusal(cfg, kind)) ?? privacyRefusal(cfg, kind);
  if (r !== null) throw errors.option(r[0], r[1], r[2]);
}

/** The aggregator of a run with its algorithm's server side, and SCAFFOLD's control variate c (else null). */
export interface HeterogeneityServer {
  readonly aggregator: Aggregator;
  readonly control: ScaffoldControl | null;
}

/**
 * Wraps the run's aggregator for FedNova (τ_eff scaling) or SCAFFOLD (control variate update); other
 * kinds get it unchanged. `size` is the model's length, `parts` the clients' example indices (a client's
 * share of SCAFFOLD's objective is n_i / Σ n_j).
 */
export function heterogeneityServer(
  cfg: ExperimentConfig,
  inner: Aggregator,
  size: number,
  parts: readonly Int32Array[],
): HeterogeneityServer {
  const kind = cfg.algorithm.kind;
  if (kind === 'fednova') return { aggregator: withFedNova(inner), control: null };
  if (kind !== 'scaffold') return { aggregator: inner, control: null };
  const control: ScaffoldControl = { c: new Float32Array(size) };
  const total = parts.reduce((acc, p) => acc + p.length, 0);
  const share = (node: number) => (parts[node]?.length ?? 0) / total;
  return { aggregator: withScaffold(inner, { share, lr: cfg.optimizer.lr, control }), control };
}
