import { errors } from '../errors.js';
import type { Rng } from '../rng/rng.js';
import { ALWAYS_ONLINE, type Availability, IntervalAvailability, OnOffAvailability } from './availability.js';
import { checkDistribution, type Distribution, drawFrom } from './distribution.js';
import { checkLossRate, type PacketLoss } from './packet-loss.js';
import type { TraceRow } from './trace.js';

/** `systems.compute`: local compute time per example processed or per optimizer step (seconds). */
export interface ComputeSpec {
  readonly per: 'example' | 'step';
  readonly seconds: Distribution;
}

/** `systems.network`: per-client link rates (bit/s) and a one-way latency per message (seconds). */
export interface NetworkSpec {
  readonly uplinkBps: Distribution;
  readonly downlinkBps: Distribution;
  readonly latencyS: Distribution;
  /** Per-segment loss probability in [0, 1) (retransmission time, see `retransmitSeconds`); absent: 0. */
  readonly lossRate?: Distribution;
}

/** `systems.availability`: always online, a seeded on/off process, or the trace's `active` intervals. */
export type AvailabilitySpec =
  | { readonly kind: 'always' }
  | { readonly kind: 'onOff'; readonly meanOnS: number; readonly meanOffS: number }
  | { readonly kind: 'trace' };

/**
 * `systems.localWork`: the algorithm's plan for everyone (`plan`), per-client epochs E_i drawn once
 * (`epochs`, e.g. device tiers), or a per-round time budget that caps each client's local steps at
 * ⌊seconds / its time per step⌋ (at least one step).
 */
export type LocalWorkSpec =
  | { readonly kind: 'plan' }
  | { readonly kind: 'epochs'; readonly epochs: Distribution }
  | { readonly kind: 'timeBudget'; readonly seconds: number };

/** `systems.trace`: a trace file and how its rows are given to clients (see {@link parseTrace}). */
export interface TraceSpec {
  readonly file: string;
  /** `byId`: the row naming the client (or the i-th row); `cycle`: row i mod rows; `sample`: a seeded draw. */
  readonly assign: 'byId' | 'cycle' | 'sample';
}

/** The `systems:` section as the core library takes it (validated by the runner's schema). */
export interface SystemsSpec {
  readonly compute: ComputeSpec;
  /** Null: links are free and instant (no communication time). */
  readonly network: NetworkSpec | null;
  readonly availability: AvailabilitySpec;
  readonly localWork: LocalWorkSpec;
  /** Virtual seconds after a round opens at which it closes; later clients are late. Null: none. */
  readonly deadlineS: number | null;
  readonly trace: TraceSpec | null;
}

/** One client's systems profile, fixed for the run. */
export interface ClientProfile {
  readonly id: number;
  readonly compute: { readonly per: 'example' | 'step'; readonly seconds: number };
  readonly uplinkBps: number;
  readonly downlinkBps: number;
  readonly latencyS: number;
  /** Seeded packet loss on both links (`systems.network.lossRate` > 0), else null. */
  readonly loss: PacketLoss | null;
  /** E_i with `localWork: epochs`, else null (the plan's epochs). */
  readonly localEpochs: number | null;
  readonly availability: Availability;
}

/** Checks every distribution of `spec` (errors name `systems.<path>`). */
export function checkSystemsSpec(spec: SystemsSpec): void {
  checkDistribution(spec.compute.seconds, 'systems.compute.seconds');
  if (spec.network !== null) {
    checkDistribution(spec.network.uplinkBps, 'systems.network.uplinkBps');
    checkDistribution(spec.network.downlinkBps, 'systems.network.downlinkBps');
    checkDistribution(spec.network.latencyS, 'systems.network.latencyS');
    if (spec.network.lossRate) checkDistribution(spec.network.lossRate, 'systems.network.lossRate');
  }
  if (spec.localWork.kind === 'epochs') checkDistribution(spec.localWork.epochs, 'systems.localWork.epochs');
  if (spec.availability.kind === 'trace' && spec.trace === null) {
    throw errors.option('systems.trace', 'set with availability kind trace', null);
  }
}

function rowFor(rows: readonly TraceRow[] | null, spec: SystemsSpec, id: number, rng: Rng): TraceRow | null {
  if (rows === null || spec.trace === null) return null;
  const { assign, file } = spec.trace;
  if (assign === 'cycle') return rows[id % rows.length];
  if (assign === 'sample') return rows[rng.fork('trace-row').int(rows.length)];
  const named = rows[0].client !== null;
  const row = named ? rows.find((r) => r.client === id) : rows[id];
  if (!row) {
    throw errors.data(file, `no row for client ${id} (${rows.length} rows; set systems.trace.assign: cycle or sample)`);
  }
  return row;
}

/** Positive bit rates (Infinity: no `network`); a zero rate would make every transfer take forever. */
function rate(v: number, path: string, id: number): number {
  if (!(v > 0)) throw errors.option(path, `a rate > 0 bit/s for client ${id}`, v);
  return v;
}

/**
 * Draws every client's profile from `rng` (the run's `fork('systems')`): client i from
 * `rng.fork('client', i)`, each quantity from its own fork, so one client's profile does not depend on
 * how many clients there are or on the other quantities' distributions. Trace rows override the draws.
 */
export function drawProfiles(
  spec: SystemsSpec,
  clients: number,
  rng: Rng,
  rows: readonly TraceRow[] | null = null,
): ClientProfile[] {
  checkSystemsSpec(spec);
  return Array.from({ length: clients }, (_, id) => {
    const r = rng.fork('client', id);
    const row = rowFor(rows, spec, id, r);
    const draw = (d: Distribution, purpose: string) => drawFrom(d, r.fork(purpose));
    let compute = { per: spec.compute.per, seconds: draw(spec.compute.seconds, 'compute') };
    if (row?.secondsPerExample !== undefined) compute = { per: 'example', seconds: row.secondsPerExample };
    else if (row?.secondsPerStep !== undefined) compute = { per: 'step', seconds: row.secondsPerStep };
    const net = spec.network;
    const up = row?.uplinkBps ?? (net ? draw(net.uplinkBps, 'uplink') : Number.POSITIVE_INFINITY);
    const down = row?.downlinkBps ?? (net ? draw(net.downlinkBps, 'downlink') : Number.POSITIVE_INFINITY);
    const lossRate = row?.lossRate ?? (net?.lossRate ? draw(net.lossRate, 'loss-rate') : 0);
    const loss = checkLossRate(lossRate, id) > 0 ? { rate: lossRate, key: r.fork('packet-loss').key() } : null;
    const lw = spec.localWork;
    const epochs =
      lw.kind === 'epochs' ? Math.max(1, Math.round(row?.localEpochs ?? draw(lw.epochs, 'local-epochs'))) : null;
    const av = spec.availability;
    let availability: Availability = ALWAYS_ONLINE;
    if (av.kind === 'onOff') availability = new OnOffAvailability(r.fork('availability'), av.meanOnS, av.meanOffS);
    if (av.kind === 'trace' && row?.active !== undefined) {
      availability = new IntervalAvailability(row.active, row.periodS ?? null);
    }
    return {
      id,
      compute,
      uplinkBps: rate(up, 'systems.network.uplinkBps', id),
      downlinkBps: rate(down, 'systems.network.downlinkBps', id),
      latencyS: row?.latencyS ?? (net ? draw(net.latencyS, 'latency') : 0),
      loss,
      localEpochs: epochs,
      availability,
    };
  });
}
