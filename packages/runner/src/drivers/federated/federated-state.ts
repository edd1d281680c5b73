import { errors } from '@starling/core';
import { z } from 'zod';
import type { CheckpointValue } from '../../checkpoint/checkpoint-codec.js';
import type { HostNodes } from './host-nodes.js';
import type { InlineNodes } from './inline-nodes.js';
import type { PreparedFederated } from './prepare.js';

/** What a federated run has summed and last evaluated by a round boundary (summary.json needs them). */
export interface FederatedProgress {
  readonly totals: {
    up: number;
    down: number;
    payloadUp: number;
    payloadDown: number;
    bits: number;
    /** Refused received bytes (`refused_bytes`), apart from `up`. */
    refused: number;
  };
  last: { loss: number | null; accuracy: number | null };
}

const f32 = z.instanceof(Float32Array);
const u8 = z.instanceof(Uint8Array);
const f64 = z.instanceof(Float64Array);

/**
 * The `state` of a federated checkpoint (docs/checkpoints.md): the global model, the server optimizer's
 * moments, the aggregator's state (centered clipping's momentum), the privacy ledger, the downlink's x̂ and delta chain, every node's persistent state
 * (optimizer step and vectors, uplink compressor state; held in this process inline, collected from
 * the worker hosts over sockets), and the run's byte totals and last evaluation. Every stream of randomness is forked
 * per round (participants, aggregation, noise, data order, compression), so no stream position is needed.
 */
const federatedStateSchema = z.strictObject({
  params: f32,
  server: z.strictObject({ m: f32.nullable(), v: f32.nullable() }),
  /** The aggregator's state across rounds (centered clipping's center); null for a stateless one and before issue 15. */
  aggregator: z.record(z.string(), f32.nullable()).nullable().default(null),
  privacy: z.strictObject({ round: z.number(), accountant: z.any(), rdp: f64 }).nullable(),
  downlink: z
    .strictObject({
      round: z.number(),
      xhat: f32,
      current: u8.nullable(),
      history: z.array(z.strictObject({ base: z.number(), round: z.number(), bytes: u8 })),
      held: z.record(z.string(), z.number()),
    })
    .nullable(),
  nodes: z.array(
    z.strictObject({
      id: z.number().int().nonnegative(),
      step: z.number().int().nonnegative(),
      slots: z.array(f32).nullable(),
      up: z.record(z.string(), f32).nullable(),
    }),
  ),
  totals: z.strictObject({
    up: z.number(),
    down: z.number(),
    payloadUp: z.number(),
    payloadDown: z.number(),
    bits: z.number(),
    refused: z.number().default(0), // absent in checkpoints written before refused traffic was split off
  }),
  last: z.strictObject({ loss: z.number().nullable(), accuracy: z.number().nullable() }),
  /** The virtual clock after the round (`systems:`), or null without one (and before issue 16). */
  virtualTimeS: z.number().nonnegative().nullable().default(null),
});

/** The whole state of a parameter-server run after round `round` (copies; nothing is shared). */
export async function captureFederated(
  prep: PreparedFederated,
  round: number,
  nodes: InlineNodes | HostNodes,
  progress: FederatedProgress,
): Promise<CheckpointValue> {
  const p = prep.privacy?.state(round) ?? null;
  const privacy = p && {
    round: p.round,
    accountant: { ...p.accountant, history: p.accountant.history.map((e) => ({ ...e })) },
    rdp: p.rdp,
  };
  return {
    params: prep.machine.params.slice(),
    server: prep.serverOptimizer.state(),
    aggregator: prep.aggregator.state?.() ?? null,
    privacy,
    downlink: prep.compression.downlink?.state() ?? null,
    nodes: await nodes.state(round),
    totals: { ...progress.totals },
    last: { ...progress.last },
    virtualTimeS: prep.systems?.rounds.clock.now ?? null,
  };
}

/**
 * Puts a prepared run into the state a checkpoint of round `round` captured, so that it continues with
 * round `round + 1` exactly as the uninterrupted run did. Throws a `data` error when the checkpoint does
 * not fit this run (another model size, a missing privacy ledger).
 */
export function restoreFederated(
  prep: PreparedFederated,
  resume: { readonly round: number; readonly state: CheckpointValue },
  nodes: InlineNodes | HostNodes,
  progress: FederatedProgress,
): void {
  const parsed = federatedStateSchema.safeParse(resume.state);
  if (!parsed.success) throw errors.data('checkpoint', `not a federated checkpoint: ${parsed.error.message}`);
  const s = parsed.data;
  const misfit = (what: string) => errors.data('checkpoint', `${what} does not fit this run`);
  if ((s.privacy === null) !== (prep.privacy === null)) throw misfit('the privacy ledger');
  if ((s.downlink === null) !== (prep.compression.downlink === null)) throw misfit('the downlink state');
  prep.machine.resumeAt(resume.round, s.params);
  prep.serverOptimizer.load(s.server);
  if ((s.aggregator === null) !== (prep.aggregator.state === undefined)) throw misfit('the aggregator state');
  if (s.aggregator) prep.aggregator.load?.(s.aggregator);
  if (prep.privacy && s.privacy)
    prep.privacy.load({ round: s.privacy.round, accountant: s.privacy.accountant, rdp: s.privacy.rdp });
  if (prep.compression.downlink && s.downlink) prep.compression.downlink.load(s.downlink);
  if ((s.virtualTimeS === null) !== (prep.systems === null)) throw misfit('the virtual clock');
  if (prep.systems && s.virtualTimeS !== null) prep.systems.rounds.resumeAt(s.virtualTimeS);
  nodes.load(s.nodes);
  Object.assign(progress.totals, s.totals);
  progress.last = { ...s.last };
}
