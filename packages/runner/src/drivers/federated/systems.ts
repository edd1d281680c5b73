import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type ClientProfile,
  clientPlan,
  clientTiming,
  drawProfiles,
  errors,
  type Kernels,
  type Layout,
  type LocalPlan,
  type PacketLoss,
  type PlannedWork,
  parseTrace,
  plannedWork,
  type Rng,
  SyncRounds,
  type SystemsSpec,
  type TraceRow,
} from '@starling/core';
import type { Downlink, Participation } from '@starling/server';
import type { ExperimentConfig } from '../../config/schema.js';
import { payloadSize } from '../../explain/payload-size.js';

/** The systems model of a parameter-server run (`systems:`): profiles, per-client plans and the clock. */
export interface RunSystems {
  readonly profiles: readonly ClientProfile[];
  /** Each client's local plan (`systems.localWork`), or null when every client runs the base plan. */
  readonly plans: readonly LocalPlan[] | null;
  /** Each client's planned local work per round (what its virtual compute time is counted from). */
  readonly work: readonly PlannedWork[];
  /** The round machine's gate and the run's virtual clock. */
  readonly rounds: SyncRounds;
}

/** Reads and parses `systems.trace.file` (relative to the config's folder). */
function readTrace(file: string, baseDir: string): TraceRow[] {
  const path = resolve(baseDir, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw errors.data(file, `cannot read the systems trace (systems.trace.file): ${(err as Error).message}`, err);
  }
  return parseTrace(text, file);
}

/** Refuses what the virtual clock does not model (exit code 2). */
function checkSupported(cfg: ExperimentConfig, participation: Participation): void {
  const a = cfg.algorithm;
  const o = 'overCommit' in a ? a.overCommit : undefined;
  if (cfg.systems === undefined) {
    if (o !== undefined && o > 0)
      throw errors.option('algorithm.overCommit', '0 or absent without a systems: section', o);
    return;
  }
  if (o !== undefined && o > 0 && participation.kind === 'poisson') {
    throw errors.option('algorithm.overCommit', '0 or absent with client-level DP (Poisson client sampling)', o);
  }
}

/**
 * Builds the run's systems model from `cfg.systems` (null without one): profiles drawn from
 * `rng` (the run's `fork('systems')`, used by nothing else, so no other stream moves), each client's
 * plan from `base`, and a {@link SyncRounds} clock timing downloads of the round's downlink payload
 * (`downlink`, or the raw model) and uploads of each update's actual payload bytes.
 */
export function prepareSystems(
  cfg: ExperimentConfig,
  parts: readonly Int32Array[],
  base: LocalPlan,
  participation: Participation,
  model: { layout: Layout; kernels: Kernels; downlink: Downlink | null; extraDownBytes?: number },
  baseDir: string,
  rng: Rng,
): RunSystems | null {
  checkSupported(cfg, participation);
  const spec: SystemsSpec | undefined = cfg.systems;
  if (spec === undefined) return null;
  const a = cfg.algorithm;
  const overCommit = 'overCommit' in a ? (a.overCommit ?? 0) : 0;
  const rows = spec.trace ? readTrace(spec.trace.file, baseDir) : null;
  const profiles = drawProfiles(spec, parts.length, rng, rows);
  const plans =
    spec.localWork.kind === 'plan'
      ? null
      : profiles.map((p, i) => clientPlan(base, spec.localWork, p, parts[i].length));
  const work = parts.map((idx, i) => plannedWork(idx.length, plans?.[i] ?? base));
  const { layout, kernels, downlink } = model;
  // SCAFFOLD's control variate c travels down with the model to every participant.
  const extra = model.extraDownBytes ?? 0;
  const raw = 4 * layout.size;
  // The smallest update any client can send: its own tier's or `compression.up`'s (a lower bound).
  const tierUps = (cfg.compression.upTiers ?? []).map(
    (t, i) => payloadSize(t.up ?? undefined, layout, kernels, `compression.upTiers[${i}].up`).bytes,
  );
  const up = { bytes: Math.min(payloadSize(cfg.compression.up, layout, kernels, 'compression.up').bytes, ...tierUps) };
  const down =
    cfg.compression.down === undefined
      ? raw
      : Math.min(raw, payloadSize(cfg.compression.down, layout, kernels, 'compression.down').bytes);
  const rounds = new SyncRounds({
    profiles,
    work: (node) => work[node],
    downBytes: () => (downlink ? downlink.roundPayloadBytes : raw) + extra,
    minDownBytes: down + extra,
    minUpBytes: up.bytes,
    deadlineS: spec.deadlineS,
    overCommit,
  });
  return { profiles, plans, work, rounds };
}

/** The quantile q of sorted `xs` (linear interpolation). */
function quantile(xs: readonly number[], q: number): number {
  const at = (xs.length - 1) * q;
  const lo = Math.floor(at);
  return lo + 1 < xs.length ? xs[lo] + (at - lo) * (xs[lo + 1] - xs[lo]) : xs[lo];
}

/** Rounds virtual seconds to microseconds for the metrics lines. */
const us = (s: number) => Math.round(s * 1e6) / 1e6;

/**
 * The round's systems fields of metrics.jsonl: `virtual_time_s` (cumulative at the close), `round_time_s`
 * (virtual length of the round), `late`, `dropped`, and `client_time_s` (median and max completion time of
 * the aggregated clients, seconds after the round opened; null when none was).
 */
export function systemsLine(s: RunSystems, round: number): Record<string, unknown> {
  const r = s.rounds.record(round);
  if (!r) return {};
  const t = r.times;
  return {
    virtual_time_s: us(r.endS),
    round_time_s: us(r.endS - r.startS),
    late: r.late,
    dropped: r.dropped,
    client_time_s: t.length === 0 ? null : { median: us(quantile(t, 0.5)), max: us(t[t.length - 1]) },
  };
}

/** What a worker host needs to emulate one client's links and compute (`welcome.config.emulate`). */
export interface ClientEmulation {
  /** One-way latency per message, s. */
  readonly latencyS: number;
  /** Link rates in bit/s; null: unlimited (no `systems.network`). */
  readonly upBps: number | null;
  readonly downBps: number | null;
  /** Virtual compute time of one round's planned work, s. */
  readonly computeS: number;
  /** Seeded packet loss on both links, or null. */
  readonly loss: PacketLoss | null;
}

/**
 * The per-node emulation parameters sent to the host carrying `nodes` when `systems.emulate` is on
 * (keyed by node id), or undefined without it. Compute time is `clientTiming`'s, so it is the clock's.
 */
export function emulationFor(
  s: RunSystems | null,
  emulate: boolean,
  nodes: readonly number[],
): Record<string, ClientEmulation> | undefined {
  if (s === null || !emulate) return undefined;
  const rate = (bps: number) => (Number.isFinite(bps) ? bps : null);
  return Object.fromEntries(
    nodes.map((n) => {
      const p = s.profiles[n];
      const computeS = clientTiming(p, 0, s.work[n], 0).computeS;
      const links = { latencyS: p.latencyS, upBps: rate(p.uplinkBps), downBps: rate(p.downlinkBps) };
      return [String(n), { ...links, computeS, loss: p.loss }];
    }),
  );
}
