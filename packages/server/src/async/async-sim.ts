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
import { IdlePool } from './idle-pool.js';

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
  /** Called after every server update, before any later event is handled. */
  onRound(record: AsyncRoundRecord, model: Float32Array): void | Promise<void>;
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

type SimEvent =
  | { readonly kind: 'dispatch' }
  | {
      readonly kind: 'arrive';
      /** The server version the client downloaded. */
      readonly version: number;
      readonly result: AsyncTrainResult;
      readonly vector: Float32Array;
    }
  | { readonly kind: 'lost' };

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

class AsyncSim {
  private readonly clock = new VirtualClock<SimEvent>();
  private readonly idle: IdlePool;
  private readonly pool: Float32Array[] = [];
  private readonly dispatches: Int32Array;
  private readonly live = new Set<ArrivedUpdate>();
  private readonly server: number;
  private version = 0;
  private inFlight = 0;
  private dispatchQueued = false;
  private since = { up: 0, down: 0, dropped: 0 };

  constructor(private readonly o: AsyncSimOptions) {
    this.server = o.profiles.length; // sorts after every client at equal times
    this.idle = new IdlePool(o.profiles.length, o.rng);
    this.dispatches = new Int32Array(o.profiles.length);
  }

  async run(): Promise<number> {
    const { o, clock } = this;
    if (o.rounds <= 0) return 0;
    this.queueDispatch(0);
    for (let e = clock.next(); e !== undefined; e = clock.next()) {
      const ev = e.payload;
      if (ev.kind === 'dispatch') {
        this.dispatchQueued = false;
        this.fill();
        continue;
      }
      this.inFlight--;
      this.idle.release(e.client);
      this.queueDispatch(clock.now);
      if (ev.kind === 'lost') {
        this.since.dropped++;
        continue;
      }
      const r = ev.result;
      const update = {
        client: e.client,
        staleness: this.version - ev.version,
        samples: r.samples,
        trainLoss: r.trainLoss,
        vector: ev.vector,
      };
      const applied = this.arrive(update, r.upBytes);
      if (applied === null) continue;
      const s = this.since;
      const record = { ...applied, round: this.version, virtualTimeS: clock.now, bytesUp: s.up, bytesDown: s.down };
      this.version++;
      this.since = { up: 0, down: 0, dropped: 0 };
      await o.onRound({ ...record, dropped: s.dropped }, o.model);
      if (this.version >= o.rounds) return this.version;
      if (o.signal) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (o.signal.aborted) throw errors.interrupted(`after server update ${this.version - 1}`);
      }
    }
    throw errors.runtime('async simulation: no event left before the last server update');
  }

  private queueDispatch(t: number): void {
    if (this.dispatchQueued) return;
    this.clock.schedule(t, this.server, { kind: 'dispatch' });
    this.dispatchQueued = true;
  }

  /** Hands the update to the rule, then recycles every vector the rule no longer holds. */
  private arrive(update: ArrivedUpdate, bytes: number): AppliedUpdate | null {
    this.since.up += bytes;
    this.live.add(update);
    const applied = this.o.rule.arrive(update, this.o.model);
    const held = new Set(this.o.rule.holding);
    for (const u of this.live) {
      if (held.has(u)) continue;
      this.live.delete(u);
      this.pool.push(u.vector);
    }
    return applied;
  }

  /** Dispatches idle online clients until `concurrency` are in flight (or retries later if none is online). */
  private fill(): void {
    const { o, clock } = this;
    const now = clock.now;
    const offline: number[] = [];
    while (this.inFlight < o.concurrency) {
      const id = this.idle.draw();
      if (id === null) break;
      const until = o.profiles[id].availability.onlineUntil(now);
      if (until === null || until <= now) {
        offline.push(id);
        continue;
      }
      this.dispatch(id, now, until);
    }
    for (const id of offline) this.idle.release(id);
    if (this.inFlight === 0) {
      if (offline.length === 0) throw errors.runtime('async simulation: no client to dispatch');
      this.clock.schedule(now + OFFLINE_RETRY_S, this.server, { kind: 'dispatch' });
      this.dispatchQueued = true;
    }
  }

  private dispatch(id: number, now: number, until: number): void {
    const o = this.o;
    const p = o.profiles[id];
    this.inFlight++;
    this.since.down += o.downBytes;
    // Gone before even an empty upload could arrive: lost without training.
    if (now + clientTiming(p, o.downBytes, o.work(id), 0).totalS > until) {
      this.clock.schedule(until, id, { kind: 'lost' });
      return;
    }
    const vector = this.pool.pop() ?? new Float32Array(o.model.length);
    const result = o.train(id, o.model, this.dispatches[id]++, vector);
    o.rule.atDispatch(o.model, vector);
    const done = now + clientTiming(p, o.downBytes, o.work(id), result.upBytes).totalS;
    if (done > until) {
      this.pool.push(vector);
      this.clock.schedule(until, id, { kind: 'lost' });
      return;
    }
    this.clock.schedule(done, id, { kind: 'arrive', version: this.version, result, vector });
  }
}
