import { errors, type Rng } from '@starling/core';
import type { AppliedUpdate, ArrivedUpdate, AsyncRule } from '../async/async-rule.js';
import { IdlePool } from '../async/idle-pool.js';
import { type Flight, Flights } from './flights.js';

/** What {@link AsyncLoop} needs. */
export interface AsyncLoopOptions {
  /** Clients (ids 0..clients−1). */
  readonly clients: number;
  /** Clients training at once (1..clients). */
  readonly concurrency: number;
  /** Server model updates to run. */
  readonly rounds: number;
  /** Draws which idle client takes a free slot (the run's `fork('async')`). */
  readonly rng: Rng;
  readonly rule: AsyncRule;
  /** The global model x, updated in place by the rule. */
  readonly model: Float32Array;
  /** The sample count client `id` was assigned (its partition size); an update declaring another is refused. */
  readonly assignedSamples?: (id: number) => number;
}

/** An update as it reached the server (decoded; `delta` is read during {@link AsyncLoop.arrive} only). */
export interface SocketUpdate {
  readonly ticket: number;
  readonly client: number;
  readonly samples: number;
  readonly trainLoss: number;
  readonly delta: Float32Array;
  /** Uplink payload bytes of the update as sent (after compression). */
  readonly bytes: number;
}

/** One server model update of an asynchronous run over sockets (a metrics line). */
export interface AsyncSocketRecord extends AppliedUpdate {
  /** The version this update produced, minus one (0, 1, ...). */
  readonly round: number;
  /** Payload bytes of the updates that arrived and of the models sent since the previous server update. */
  readonly payloadBytesUp: number;
  readonly payloadBytesDown: number;
  /** Clients given up since the previous server update (their host was lost). */
  readonly dropped: number;
  /** Dispatches answered with an error or refused since the previous server update, by reason. */
  readonly failures: Readonly<Record<string, number>>;
  /** Answers to tickets no longer in flight (late or duplicate), since the previous server update. */
  readonly late: number;
}

/** What one arrival did. */
export type ArrivalOutcome =
  | { readonly kind: 'late' }
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'held' }
  | { readonly kind: 'applied'; readonly record: AsyncSocketRecord };

interface Since {
  up: number;
  down: number;
  dropped: number;
  late: number;
  failures: Record<string, number>;
}
const fresh = (): Since => ({ up: 0, down: 0, dropped: 0, late: 0, failures: {} });

/**
 * The asynchronous server's logic over sockets, with no I/O: the same rules as the inline event
 * simulation (`runAsyncSim`: FedAsync, FedBuff), driven by real arrivals instead of a virtual clock.
 * `fill` draws idle clients (uniformly, `rng`) until `concurrency` are in flight, each with a fresh
 * ticket and the current model version; `arrive` hands an update to the rule with staleness = current
 * version − the version its client downloaded; `fail` and `lose` free slots without an update. Every
 * freed client is idle again at once (it may be drawn by the next `fill`). The caller sends what `fill`
 * returns and reports each applied record before handling anything else.
 */
export class AsyncLoop {
  private readonly flights: Flights;
  private readonly idle: IdlePool;
  private readonly live = new Set<ArrivedUpdate>();
  private readonly pool: Float32Array[] = [];
  private since = fresh();
  private current = 0;
  /** Dispatches that ended in a failure since the last update reached the rule. */
  private failedInARow = 0;

  constructor(private readonly o: AsyncLoopOptions) {
    if (!(Number.isInteger(o.concurrency) && o.concurrency >= 1 && o.concurrency <= o.clients))
      throw errors.option(
        'algorithm.concurrency',
        `an integer in [1, ${o.clients}] (algorithm.clients)`,
        o.concurrency,
      );
    this.flights = new Flights(o.rule.readsDispatchModel);
    this.idle = new IdlePool(o.clients, o.rng);
  }

  /** Server model updates applied so far (the model's version). */
  get version(): number {
    return this.current;
  }

  /** True once `rounds` server updates were applied. */
  get finished(): boolean {
    return this.current >= this.o.rounds;
  }

  /** The global model (updated in place by the rule). */
  get model(): Float32Array {
    return this.o.model;
  }

  /** Parameters in the model. */
  get modelSize(): number {
    return this.o.model.length;
  }

  /**
   * True when the last `10 × concurrency` dispatches all failed (errors or refusals) with no update
   * reaching the rule meanwhile: every client's training fails (e.g. the model diverged), so the run
   * would spin without end.
   */
  get stuck(): boolean {
    return this.failedInARow >= 10 * this.o.concurrency;
  }

  /** Clients in flight. */
  get inFlight(): number {
    return this.flights.size;
  }

  /**
   * Draws idle clients that `reachable` accepts until `concurrency` are in flight (none once finished)
   * and returns their dispatches; the caller sends each its `task` with the current model. Clients
   * passed over stay idle. Counts one model download per dispatch.
   */
  fill(reachable: (client: number) => boolean): Flight[] {
    const out: Flight[] = [];
    const passed: number[] = [];
    while (!this.finished && this.flights.size < this.o.concurrency) {
      const id = this.idle.draw();
      if (id === null) break;
      if (!reachable(id)) {
        passed.push(id);
        continue;
      }
      out.push(this.flights.open(id, this.current, this.o.model));
      this.since.down += this.o.model.byteLength;
    }
    for (const id of passed) this.idle.release(id);
    return out;
  }

  /** An update arrived: refused, late, held by the rule (FedBuff's buffer) or applied (a server update). */
  arrive(u: SocketUpdate): ArrivalOutcome {
    const f = this.flights.close(u.ticket, u.client);
    if (f === null) {
      this.since.late++;
      return { kind: 'late' };
    }
    this.idle.release(f.client);
    const expected = this.o.assignedSamples?.(f.client);
    if (expected !== undefined && u.samples !== expected) {
      this.flights.release(f);
      return this.refuse(`bad-weight: client ${f.client} declared ${u.samples} samples, assigned ${expected}`);
    }
    if (u.delta.length !== this.o.model.length) {
      this.flights.release(f);
      return this.refuse(`bad-length: ${u.delta.length} values, the model has ${this.o.model.length}`);
    }
    this.since.up += u.bytes;
    this.failedInARow = 0;
    const vector = this.pool.pop() ?? new Float32Array(this.o.model.length);
    vector.set(u.delta);
    const dispatched = this.flights.modelOf(f);
    if (dispatched) this.o.rule.atDispatch(dispatched, vector);
    this.flights.release(f);
    const update = {
      client: f.client,
      staleness: this.current - f.version,
      samples: u.samples,
      trainLoss: u.trainLoss,
      vector,
    };
    const applied = this.hand(update);
    if (applied === null) return { kind: 'held' };
    const s = this.since;
    this.since = fresh();
    const record = {
      ...applied,
      round: this.current++,
      payloadBytesUp: s.up,
      payloadBytesDown: s.down,
      dropped: s.dropped,
      failures: s.failures,
      late: s.late,
    };
    return { kind: 'applied', record };
  }

  /** Ticket `ticket` of `client` ended without an update (`reason`); false when it was not in flight. */
  fail(ticket: number, client: number, reason: string): boolean {
    const f = this.flights.close(ticket, client);
    if (f === null) {
      this.since.late++;
      return false;
    }
    this.flights.release(f);
    this.idle.release(f.client);
    this.count(reason);
    return true;
  }

  /** Gives up every client in flight that `gone` names (its host was lost); returns how many. */
  lose(gone: (client: number) => boolean): number {
    const lost = this.flights.closeWhere(gone);
    for (const f of lost) this.idle.release(f.client);
    this.since.dropped += lost.length;
    return lost.length;
  }

  private refuse(reason: string): ArrivalOutcome {
    this.count(reason);
    return { kind: 'refused', reason };
  }

  private count(reason: string): void {
    this.failedInARow++;
    const kind = reason.split(':')[0];
    this.since.failures[kind] = (this.since.failures[kind] ?? 0) + 1;
  }

  /** Hands the update to the rule, then recycles every vector the rule no longer holds. */
  private hand(update: ArrivedUpdate): AppliedUpdate | null {
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
}
