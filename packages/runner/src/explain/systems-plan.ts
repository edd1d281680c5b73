import { clientTiming, plannedWork } from '@starling/core';
import type { ExperimentConfig } from '../config/schema.js';
import type { PreparedFederated } from '../drivers/federated/prepare.js';

/** The systems plan of a run with `systems:` (virtual clock; docs/systems.md). */
export interface SystemsPlan {
  /** Clients drawn per round (⌈(1+o)K⌉ with over-commit) and the most aggregated (K), for the full pool. */
  readonly drawn: number;
  readonly aggregated: number;
  readonly deadline_s: number | null;
  readonly availability: string;
  /**
   * One round's completion time (seconds) over all clients' drawn profiles, raw-model downloads and
   * uploads (with round 0's packet loss): what a synchronous round waits for before over-commit and
   * deadline cut it.
   */
  readonly client_time_s: { readonly median: number; readonly p90: number; readonly max: number };
}

/** The plan of `prep.systems`, or null without one. */
export function systemsPlan(cfg: ExperimentConfig, prep: PreparedFederated, selected: number): SystemsPlan | null {
  const s = prep.systems;
  if (s === null || cfg.systems === undefined) return null;
  const pool = prep.parts.length;
  const drawn = s.rounds.participation(prep.plan.participation, pool);
  const count = drawn.kind === 'count' ? drawn.value : selected;
  const o = 'overCommit' in cfg.algorithm ? (cfg.algorithm.overCommit ?? 0) : 0;
  const raw = 4 * prep.model.layout.size;
  const times = s.profiles
    .map(
      (p, i) =>
        clientTiming(p, raw, plannedWork(prep.parts[i].length, s.plans?.[i] ?? prep.setup.local), raw, 0).totalS,
    )
    .sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * (times.length - 1)))];
  const av = cfg.systems.availability;
  return {
    drawn: count,
    aggregated: o === 0 ? count : Math.max(1, Math.floor(count / (1 + o) + 1e-9)),
    deadline_s: cfg.systems.deadlineS,
    availability:
      av.kind === 'onOff'
        ? `on/off, about ${Math.round((100 * av.meanOnS) / (av.meanOnS + av.meanOffS))} % online`
        : av.kind,
    client_time_s: { median: at(0.5), p90: at(0.9), max: at(1) },
  };
}

/** The lines `starling explain` prints for a systems plan. */
export function systemsLines(p: SystemsPlan): string[] {
  const t = p.client_time_s;
  const deadline = p.deadline_s === null ? 'no deadline' : `deadline ${p.deadline_s} s`;
  return [
    `  ${p.drawn} drawn per round, the first ${p.aggregated} in virtual time aggregated; ${deadline}; availability ${p.availability}`,
    `  client round time (drawn profiles, raw payloads): median ${t.median.toPrecision(3)} s, p90 ${t.p90.toPrecision(3)} s, max ${t.max.toPrecision(3)} s`,
  ];
}
