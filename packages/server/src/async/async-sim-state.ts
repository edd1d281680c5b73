import type { RngPosition } from '@starling/core';
import type { AsyncTrainResult } from './async-sim.js';

/** A scheduled event of the simulation as a checkpoint holds it (`kind` and its data). */
export interface SimEventState {
  readonly time: number;
  readonly client: number;
  readonly kind: 'dispatch' | 'arrive' | 'lost';
  /** `arrive`: the server version the client downloaded, its training result and its update vector. */
  readonly version?: number;
  readonly result?: AsyncTrainResult;
  readonly vector?: Float32Array;
}

/** An update held by the rule (FedBuff's buffer), in arrival order. */
export interface HeldUpdateState {
  readonly client: number;
  readonly staleness: number;
  readonly samples: number;
  readonly trainLoss: number;
  readonly vector: Float32Array;
}

/**
 * The whole state of an asynchronous event simulation between two server updates (after `onRound`),
 * from which `runAsyncSim` continues exactly as the uninterrupted run would: the virtual time, the
 * version, the draws' stream position and the idle clients in their order, each client's dispatch
 * count, the pending events in the order they were scheduled (ties on the clock break by that order),
 * the counters since the last server update and the updates the rule holds. The model, the server
 * optimizer and the clients' own state are the caller's to checkpoint.
 */
export interface AsyncSimState {
  readonly now: number;
  readonly version: number;
  readonly inFlight: number;
  readonly dispatchQueued: boolean;
  readonly since: { readonly up: number; readonly down: number; readonly dropped: number };
  /** Words the draws' stream used (see `Rng.skip`). */
  readonly drawn: number;
  readonly idle: readonly number[];
  readonly dispatches: Int32Array;
  readonly events: readonly SimEventState[];
  readonly held: readonly HeldUpdateState[];
}

/** Words a stream at `p` has used since its start (its position as a count, for `Rng.skip`). */
export function wordsUsed(p: RngPosition): number {
  return (p.counterHi * 2 ** 32 + p.counterLo) * 4 + p.word;
}
