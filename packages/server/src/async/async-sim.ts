import {
  type ClientProfile,
  clientTiming,
  errors,
  type LocalResult,
  type PlannedWork,
  type Rng,
  VirtualClock,
} from '@starling/core';
import type { AppliedUpdate, ArrivedUpdate, AsyncRule } from './async-rule.js';
import type { AsyncSimState } from './async-sim-state.js';
import { IdlePool } from './idle-pool.js';
import { captureSim, restoreSim } from './sim-checkpoint.js';

/** A client's trained result as the simulation needs it. */
export interface AsyncTrainResult extends LocalResult {
  /** Uplink payload bytes of its update (after compression). */
  readonly upBytes: number;
}

/** What {@link runAsyncSim} needs. */
export interface AsyncSimOptions {
  /** Every client's systems profile, by id (ids 0..N−1). */
  readonly profiles: readonly ClientProfile[];
  /** The local work client `id` does per dispatch. */
  readonly work: (id: number) => PlannedWork;
  /** Downlink payload bytes of one model download. */
  readonly downBytes: number;
  /** Clients training at once (≥ 1, at most the number of clients). */
  readonly concurrency: number;
  /** Server updates to run (the run's `rounds`). */
  readonly rounds: number;
  /** Draws which idle client replaces one that finished (the run's `fork('async')`). */
  readonly rng: Rng;
  readonly rule: AsyncRule;
  /** The global model x, updated in place by the rule. */
  readonly model: Float32Array;
  /**
   * Trains client `id` from `model` on its `dispatch`-th dispatch (0, 1, ...: the key of its data order,
   * as a synchronous round number is) and writes the update to apply (decoded, as the server sees it)
   * into `out`.
   */
  train(id: number, model: Float32Array, dispatch: number, out: Float32Array): AsyncTrainResult;
  /**
   * Called after every server update, before any later event is handled; `capture` returns the
   * simulation's state at this point (for a checkpoint; the caller keeps the model, the server optimizer
   * and the clients' state).
   */
  onRound(record: AsyncRoundRecord, model: Float32Array, capture: () => AsyncSimState): void | Promise<void>;
  /** A resumed run: the state a `capture` returned (the model and the rest restored by the caller). */
  readonly resume?: AsyncSimState;
  /** Aborting stops the run after the server update in progress (`interrupted`). */
  readonly signal?: AbortSignal;
}

/** One server update (a metrics round) of an asynchronous run. */
export interface AsyncRoundRecord extends AppliedUpdate {
  readonly round: number;
  /** Virtual seconds since the run started when the update was applied. */
  readonly virtualTimeS: number;
  /** Payload bytes of the updates that arrived and of the models sent since the previous server update. */
  readonly bytesUp: number;
  readonly bytesDown: number;
  /** Dispatched clients that went offline before their update arrived, since the previous server update. */
  readonly dropped: number;
}

type SimEvent = (
  | { readonly kind: 'dispatch' }
  | {
      readonly kind: 'arrive';
      /** The server version the client downloaded. */
      readonly version: number;
      readonly result: AsyncTrainResult;
      readonly vector: Float32Array;
    }
  | { readonly kind: 'lost' }
) & { readonly seq: number };

/** `Omit` applied to each member of a union. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** When nobody idle is online, the server looks again this many virtual seconds later. */
export const OFFLINE_RETRY_S = 60;

/**
 * An asynchronous federated run as an event simulation on the virtual clock (FedScale-style, Lai et al.
 * 2021): `concurrency` clients are in flight; a dispatched client downloads the current model, trains and
 * uploads, its update arriving downlink + compute + uplink virtual seconds later (`clientTiming`), with
 * staleness = server updates applied meanwhile; the rule (FedAsync, FedBuff) handles it; the freed slot
 * goes to an idle client drawn uniformly from `rng`. Events run in (virtual time, client id) order, and
 * the server's dispatches at time t run after every arrival at t (its id sorts after every client's), so
 * the run is a pure function of the seed and the profiles. A client offline at its draw is passed over;
 * one that goes offline before its update would arrive is lost when it goes offline. Clients train when
 * dispatched (their result depends only on the model they downloaded). Returns the server updates run.
 */
export function runAsyncSim(o: AsyncSimOptions): Promise<number> {
  const n = o.profiles.length;
  if (!(Number.isInteger(o.concurrency) && o.concurrency >= 1 && o.concurrency <= n))
    throw errors.option('algorithm.concurrency', `an integer in [1, ${n}] (algorithm.clients)`, o.concurrency);
  return new AsyncSim(o).run();
}

/** The simulation's mutable state (what a checkpoint captures; see `AsyncSimState`). */
export interface SimCore {
  clock: VirtualClock<SimEvent>;
  idle: IdlePool;
  dispatches: Int32Array;
  /** Scheduled events not yet taken, by scheduling order. */
  readonly pending: Map<number, { time: number; client: number; event: SimEvent }>;
  readonly live: Set<ArrivedUpdate>;
  seq: number;
  version: number;
  inFlight: number;
  dispatchQueued: boolean;
  since: { up: number; down: number; dropped: number };
}

export type { SimEvent };

class AsyncSim {
  private readonly pool: Float32Array[] = [];
  private readonly server: number;
  private readonly c: SimCore;

  constructor(private readonly o: AsyncSimOptions) {
    const n = o.profiles.length;
    this.server = n; // sorts after every client at equal times
    this.c = {
      clock: new VirtualClock<SimEvent>(),
      idle: new IdlePool(n, o.rng),
      dispatches: new Int32Array(n),
      pending: new Map(),
      live: new Set(),
      seq: 0,
      version: 0,
      inFlight: 0,
      dispatchQueued: false,
      since: { up: 0, down: 0, dropped: 0 },
    };
    if (o.resume) restoreSim(this.c, o.resume, o.rng, o.rule, n);
  }

  private get clock(): VirtualClock<SimEvent> {
    return this.c.clock;
  }

  /** Schedules `event` (without its seq) for `client` at `t`, remembering it for a checkpoint. */
  private schedule(t: number, client: number, event: DistributiveOmit<SimEvent, 'seq'>): void {
    const e = { ...event, seq: this.c.seq++ } as SimEvent;
    this.c.pending.set(e.seq, { time: t, client, event: e });
    this.clock.schedule(t, client, e);
  }

  async run(): Promise<number> {
    const { o, c } = this;
    if (o.rounds <= 0) return 0;
    if (!o.resume) this.queueDispatch(0);
    for (let e = this.clock.next(); e !== undefined; e = this.clock.next()) {
      const ev = e.payload;
      c.pending.delete(ev.seq);
      if (ev.kind === 'dispatch') {
        c.dispatchQueued = false;
        this.fill();
        continue;
      }
      c.inFlight--;
      c.idle.release(e.client);
      this.queueDispatch(this.clock.now);
      if (ev.kind === 'lost') {
        c.since.dropped++;
        continue;
      }
      const r = ev.result;
      const update = {
        client: e.client,
        staleness: c.version - ev.version,
        samples: r.samples,
        trainLoss: r.trainLoss,
        vector: ev.vector,
      };
      const applied = this.arrive(update, r.upBytes);
      if (applied === null) continue;
      const s = c.since;
      const now = this.clock.now;
      const record = { ...applied, round: c.version, virtualTimeS: now, bytesUp: s.up, bytesDown: s.down };
      c.version++;
      c.since = { up: 0, down: 0, dropped: 0 };
      await o.onRound({ ...record, dropped: s.dropped }, o.model, () => captureSim(c, o.rng, o.rule));
      if (c.version >= o.rounds) return c.version;
      if (o.signal) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (o.signal.aborted) throw errors.interrupted(`after server update ${c.version - 1}`);
      }
    }
    throw errors.runtime('async simulation: no event left before the last server update');
  }

  private queueDispatch(t: number): void {
    if (this.c.dispatchQueued) return;
    this.schedule(t, this.server, { kind: 'dispatch' });
    this.c.dispatchQueued = true;
  }

  /** Hands the update to the rule, then recycles every vector the rule no longer holds. */
  private arrive(update: ArrivedUpdate, bytes: number): AppliedUpdate | null {
    const live = this.c.live;
    this.c.since.up += bytes;
    live.add(update);
    const applied = this.o.rule.arrive(update, this.o.model);
    const held = new Set(this.o.rule.holding);
    for (const u of live) {
      if (held.has(u)) continue;
      live.delete(u);
      this.pool.push(u.vector);
    }
    return applied;
  }

  /** Dispatches idle online clients until `concurrency` are in flight (or retries later if none is online). */
  private fill(): void {
    const { o, c } = this;
    const now = this.clock.now;
    const offline: number[] = [];
    while (c.inFlight < o.concurrency) {
      const id = c.idle.draw();
      if (id === null) break;
      const until = o.profiles[id].availability.onlineUntil(now);
      if (until === null || until <= now) {
        offline.push(id);
        continue;
      }
      this.dispatch(id, now, until);
    }
    for (const id of offline) c.idle.release(id);
    if (c.inFlight === 0) {
      if (offline.length === 0) throw errors.runtime('async simulation: no client to dispatch');
      this.schedule(now + OFFLINE_RETRY_S, this.server, { kind: 'dispatch' });
      c.dispatchQueued = true;
    }
  }

  private dispatch(id: number, now: number, until: number): void {
    const o = this.o;
    const p = o.profiles[id];
    const c = this.c;
    c.inFlight++;
    c.since.down += o.downBytes;
    // Gone before even an empty upload could arrive: lost without training.
    if (now + clientTiming(p, o.downBytes, o.work(id), 0).totalS > until) {
      this.schedule(until, id, { kind: 'lost' });
      return;
    }
    const vector = this.pool.pop() ?? new Float32Array(o.model.length);
    const result = o.train(id, o.model, c.dispatches[id]++, vector);
    o.rule.atDispatch(o.model, vector);
    const done = now + clientTiming(p, o.downBytes, o.work(id), result.upBytes).totalS;
    if (done > until) {
      this.pool.push(vector);
      this.schedule(until, id, { kind: 'lost' });
      return;
    }
    this.schedule(done, id, { kind: 'arrive', version: c.version, result, vector });
  }
}
