import { errors } from '@starling/core';
import type { AsyncSimState } from '@starling/server';
import { z } from 'zod';
import type { CheckpointValue } from '../../checkpoint/checkpoint-codec.js';
import type { InlineNodes } from '../federated/inline-nodes.js';
import type { PreparedAsync } from './prepare.js';

/** What an inline asynchronous run has summed and last evaluated by a server update. */
export interface AsyncProgress {
  readonly totals: { up: number; down: number };
  last: { loss: number | null; accuracy: number | null };
  virtualTimeS: number;
}

const f32 = z.instanceof(Float32Array);
const i32 = z.instanceof(Int32Array);
const count = z.number().int().nonnegative();

const simSchema = z.strictObject({
  now: z.number().nonnegative(),
  version: count,
  inFlight: count,
  dispatchQueued: z.boolean(),
  since: z.strictObject({ up: z.number(), down: z.number(), dropped: count }),
  drawn: count,
  idle: z.array(count),
  dispatches: i32,
  events: z.array(
    z.strictObject({
      time: z.number().nonnegative(),
      client: count,
      kind: z.enum(['dispatch', 'arrive', 'lost']),
      version: count.optional(),
      // the simulation reads samples, trainLoss and upBytes; other fields are dropped
      result: z
        .object({ samples: z.number(), trainLoss: z.number(), steps: z.number(), upBytes: z.number() })
        .optional(),
      vector: f32.optional(),
    }),
  ),
  held: z.array(
    z.strictObject({ client: count, staleness: count, samples: z.number(), trainLoss: z.number(), vector: f32 }),
  ),
});

/**
 * The `state` of an inline asynchronous checkpoint (docs/checkpoints.md): the global model, the server
 * optimizer's moments, every client's persistent state, the event simulation (`AsyncSimState`: virtual
 * time, pending events with the updates in flight, FedBuff's buffer, the draws' position), and the
 * run's byte totals and last evaluation.
 */
const asyncStateSchema = z.strictObject({
  params: f32,
  server: z.strictObject({ m: f32.nullable(), v: f32.nullable() }),
  nodes: z.array(
    z.strictObject({
      id: count,
      step: count,
      slots: z.array(f32).nullable(),
      up: z.record(z.string(), f32).nullable(),
    }),
  ),
  totals: z.strictObject({ up: z.number(), down: z.number() }),
  last: z.strictObject({ loss: z.number().nullable(), accuracy: z.number().nullable() }),
  virtualTimeS: z.number().nonnegative(),
  sim: simSchema,
});

/** The whole state of an inline asynchronous run after a server update (copies; nothing is shared). */
export function captureAsync(
  prep: PreparedAsync,
  nodes: InlineNodes,
  progress: AsyncProgress,
  sim: AsyncSimState,
): CheckpointValue {
  const { events, held, ...rest } = sim;
  return {
    params: prep.fed.machine.params.slice(),
    server: prep.fed.serverOptimizer.state(),
    nodes: nodes.state(),
    totals: { ...progress.totals },
    last: { ...progress.last },
    virtualTimeS: progress.virtualTimeS,
    sim: {
      ...rest,
      idle: [...rest.idle],
      since: { ...rest.since },
      events: events.map(({ result: r, ...e }) => ({
        ...e,
        ...(r ? { result: { samples: r.samples, trainLoss: r.trainLoss, steps: r.steps, upBytes: r.upBytes } } : {}),
      })),
      held: held.map((u) => ({ ...u })),
    },
  };
}

/**
 * Puts a prepared inline asynchronous run into the state a checkpoint captured and returns the
 * simulation's part for `runAsyncSim`'s `resume`. Throws a `data` error when it does not fit this run.
 */
export function restoreAsync(
  prep: PreparedAsync,
  state: CheckpointValue,
  nodes: InlineNodes,
  progress: AsyncProgress,
): AsyncSimState {
  const parsed = asyncStateSchema.safeParse(state);
  if (!parsed.success) throw errors.data('checkpoint', `not an async checkpoint: ${parsed.error.message}`);
  const s = parsed.data;
  const params = prep.fed.machine.params;
  if (s.params.length !== params.length) throw errors.data('checkpoint', 'the model does not fit this run');
  params.set(s.params);
  prep.fed.serverOptimizer.load(s.server);
  nodes.load(s.nodes);
  Object.assign(progress.totals, s.totals);
  progress.last = { ...s.last };
  progress.virtualTimeS = s.virtualTimeS;
  return s.sim;
}
